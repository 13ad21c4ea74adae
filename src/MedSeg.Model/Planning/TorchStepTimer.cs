using MedSeg.Imaging.Preprocess;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Planning;

/// <summary>
/// Times real steps of the planned U-Net on this machine's device: one untimed step (allocation,
/// kernel selection), then the median of <c>repeats</c> timed ones. Random inputs: speed does not
/// depend on the pixels.
/// </summary>
/// <remarks>
/// Inference is timed where validation will run it: on <c>engines</c> (ONNX Runtime from the CLI)
/// when given and on the CPU, else on the module, so the plan's validation cost and its
/// "inference per frame" are those of the run that follows.
/// </remarks>
public sealed class TorchStepTimer(UNetOptions model, Device device, int repeats = 2, Training.IValidationEngines? engines = null) : IStepTimer
{
    public double SecondsPerStep(int width, int height, int batch, int channels, int classes)
    {
        torch.manual_seed(0);
        var options = ModelFor(channels, classes);
        using var net = new UNet(options);
        net.to(device);
        net.train();
        using var optimizer = new Training.HeldScalarAdam(net.parameters(), lr: 1e-3);
        var loss = Losses.DefaultFor(options);
        return Median(() =>
        {
            using var scope = NewDisposeScope();
            var x = randn([batch, channels, height, width], device: device);
            var y = options.IsBinary ? randint(0, 2, [batch, 1, height, width], device: device).to_type(ScalarType.Float32)
                                     : randint(0, classes, [batch, height, width], device: device);
            optimizer.zero_grad();
            var l = Losses.Compute(loss, net.forward(x), y);
            l.backward();
            optimizer.step();
            _ = l.item<float>();
        });
    }

    public double InferenceMs(int width, int height, int patch, int channels, int classes)
    {
        using var net = new UNet(ModelFor(channels, classes));
        net.to(device);
        net.eval();
        int side = patch > 0 ? patch : Math.Max(width, height);
        using var windows = new SlidingWindowInference(Math.Min(side, height), Math.Min(side, width));
        bool tiled = windows.PatchHeight < height || windows.PatchWidth < width;
        var info = new CheckpointInfo
        {
            Model = net.Options,
            Preprocess = new PreprocessOptions { Width = width, Height = height, Color = channels == 1 ? ColorMode.Gray : ColorMode.Rgb },
            Patch = tiled ? patch : null,
        };
        using var engine = device.type == DeviceType.CPU && (!tiled || windows.PatchHeight == windows.PatchWidth)
            ? engines?.Open(net, info, tiled ? windows.PatchWidth : null, maxBatch: 1) : null;
        var forward = engine != null ? Training.EngineProbabilities.For(engine) : net.forward;
        using var mode = inference_mode();
        return 1000 * Median(() =>
        {
            using var scope = NewDisposeScope();
            var x = randn([1, channels, height, width], device: device);
            _ = windows.Probabilities(forward, x, givesProbabilities: engine != null).cpu();
        });
    }

    private UNetOptions ModelFor(int channels, int classes) =>
        model with { InChannels = channels, ClassNames = Enumerable.Range(0, classes).Select(static i => i == 0 ? "background" : $"class{i}").ToArray() };

    private double Median(Action step)
    {
        step();
        var times = new double[Math.Max(1, repeats)];
        for (int i = 0; i < times.Length; i++)
        {
            var clock = Stopwatch.StartNew();
            step();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
