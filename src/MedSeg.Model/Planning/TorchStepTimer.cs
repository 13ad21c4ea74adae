using MedSeg.Imaging.Preprocess;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Planning;

/// <summary>
/// Times real steps of the planned U-Net on this machine's device: <see cref="WarmUps"/> untimed
/// steps (allocation, kernel selection, the optimizer's state), then the median of <c>repeats</c>
/// timed ones. Random inputs: speed does not depend on the pixels.
/// </summary>
/// <remarks>
/// Why two warm-ups and five timed steps: with one warm-up and two timed steps (the median of two
/// is the slower one) the same plan measured 0.37, 0.48 and 0.59 s per step for `mri/` within
/// minutes on a quiet VM, and its runs then took 0.35 s per step (`ct/`: 0.78 planned, 0.56
/// run): the planned step count moved by half from run to run and whole-image sets left a
/// quarter to a third of the budget unused (README, "Real data"). This estimate has no margin:
/// the run holds its planned time itself (<see cref="Training.StepGovernor"/>).
///
/// Inference is timed where validation will run it: on <c>engines</c> (ONNX Runtime from the CLI)
/// when given and on the CPU, else on the module, so the plan's validation cost and its
/// "inference per frame" are those of the run that follows.
/// </remarks>
public sealed class TorchStepTimer(UNetOptions model, Device device, int repeats = 5, Training.IValidationEngines? engines = null) : IStepTimer
{
    public const int WarmUps = 2;

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
        for (int i = 0; i < WarmUps; i++) step();
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
