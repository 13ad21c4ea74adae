using MedSeg.Core.Frames;
using MedSeg.Engines.Torch;
using MedSeg.Imaging.Phantoms;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Pipeline.Session;
using MedSeg.Pipeline.Tests.Support;
using static TorchSharp.torch;

namespace MedSeg.Pipeline.Tests;

/// <summary>The real engine (a tiny random U-Net) through the whole pipeline.</summary>
public sealed class EndToEndTests
{
    private const int Size = 48, Frames = 12, Seed = 4;

    [Fact]
    public async Task RunAsync_TinyUNet_EachFrameMaskEqualsTheEngineOutputForThatFrame()
    {
        manual_seed(5);
        using var net = new UNet(new UNetOptions { Depth = 2, BaseWidth = 4 });
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        using var engine = new InferenceEngine(net, info, new InferenceEngineOptions { Device = "cpu", MaxBatch = 4, Warmup = 0 });
        var sink = new CollectingSink();
        // Built like every command's session: a spec, the one builder; the engine stays the test's, to query after the run.
        var spec = new SessionSpec
        {
            Sources = [new() { Uri = $"synthetic:lesion?fps=0&frames={Frames}&size={Size}&seed={Seed}", Mode = "all" }],
            Batcher = new() { MaxBatch = 4, MaxWaitMs = 20 },
            Report = new() { Status = false },
        };
        using var session = SessionBuilder.Build(spec, new FixedEngineLoader(new SessionEngine(engine, info.Preprocess, info.Threshold, null, OwnedBySession: false)), extraSinks: [sink]);

        var report = await session.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(Frames, report.FramesOut);
        Assert.Equal(Enumerable.Range(0, Frames).Select(i => (long)i), sink.Frames.Select(f => f.Info.Seq));
        var inputs = ReferenceInputs(info.Preprocess);
        // Frames of one batch share their inference stamps: rerun exactly those batches on the engine.
        foreach (var batch in sink.Frames.GroupBy(f => f.Times.InferenceStart))
        {
            var members = batch.ToArray();
            var (labels, foreground) = Infer(engine, members.Select(f => inputs[f.Info.Seq]).ToArray());
            for (int i = 0; i < members.Length; i++)
            {
                Assert.Equal(labels[i], members[i].Labels);
                Assert.Equal(foreground[i], members[i].Foreground);
            }
        }
        // And frame by frame (batch of one): the same masks, up to float rounding at the threshold.
        foreach (var seen in sink.Frames)
        {
            var (labels, foreground) = Infer(engine, [inputs[seen.Info.Seq]]);
            for (int p = 0; p < foreground[0].Length; p++)
            {
                Assert.Equal(foreground[0][p], seen.Foreground[p], 1e-5f);
                if (Math.Abs(foreground[0][p] - 0.5f) > 1e-4f) Assert.Equal(labels[0][p], seen.Labels[p]);
            }
        }
        // Frames really differ, so a mix-up between frames could not pass unnoticed.
        Assert.NotEqual(sink.Frames[0].Foreground, sink.Frames[^1].Foreground);
        Assert.Equal(0, session.FramesOutstanding);
    }


    private static float[][] ReferenceInputs(PreprocessOptions preprocess)
    {
        var sequence = new SyntheticSequence(SyntheticTask.Lesion, Size, Seed);
        using var preprocessor = new Preprocessor(preprocess);
        var inputs = new float[Frames][];
        for (int i = 0; i < Frames; i++)
        {
            using var frame = sequence.Frame(i);
            inputs[i] = new float[preprocess.Width * preprocess.Height];
            preprocessor.Image(frame.Image, inputs[i]);
        }
        return inputs;
    }

    private static (byte[][] Labels, float[][] Foreground) Infer(InferenceEngine engine, float[][] inputs)
    {
        int plane = engine.Description.Width * engine.Description.Height, n = inputs.Length;
        var labels = new byte[n * plane];
        var foreground = new float[n * plane];
        engine.Infer(inputs.SelectMany(x => x).ToArray(), n, labels, foreground);
        return (Enumerable.Range(0, n).Select(i => labels[(i * plane)..((i + 1) * plane)]).ToArray(),
                Enumerable.Range(0, n).Select(i => foreground[(i * plane)..((i + 1) * plane)]).ToArray());
    }
}
