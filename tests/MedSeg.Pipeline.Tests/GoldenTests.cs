using MedSeg.Engines.Torch;
using MedSeg.Model;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Stages;
using MedSeg.Pipeline.Tests.Support;
using OpenCvSharp;

namespace MedSeg.Pipeline.Tests;

/// <summary>
/// The golden test: recordings/sample-lesion.msgpack replayed through the default model
/// (models/lesion-unet16.ckpt) by the pipeline as the replay command builds it, every mask
/// compared with the reference PNGs in tests/Golden/sample-lesion/ (see the README there).
/// </summary>
/// <remarks>
/// A deliberate change of model, preprocessing or postprocessing updates the references:
/// <c>MEDSEG_UPDATE_GOLDEN=1 dotnet test tests/MedSeg.Pipeline.Tests --filter FullyQualifiedName~GoldenTests</c>
/// rewrites them (and fails, so a run with the variable left set cannot pass unnoticed); commit the new PNGs.
/// </remarks>
public sealed class GoldenTests
{
    public const string UpdateVariable = "MEDSEG_UPDATE_GOLDEN";

    // Probabilities are stored as 16-bit PNGs. Float rounding differs between CPUs (AVX2, AVX-512)
    // and libtorch builds, so a label may differ only where the reference probability lies this
    // close to the threshold, and a probability by at most this much anywhere.
    private const double ThresholdBand = 0.01, ProbabilityTolerance = 0.005;
    // The default model's Dice on these frames when the references were made was 0.981; a model change may move it a little.
    private const double MinimumDice = 0.95;

    [Fact]
    public async Task Replay_SampleSessionThroughTheDefaultModel_MasksMatchTheReferencePngs()
    {
        string root = RepositoryRoot();
        string golden = Path.Combine(root, "tests", "Golden", "sample-lesion");
        using var pool = new Core.Frames.FramePool();
        var source = new RecordingSource(new RecordingSourceOptions
        {
            Path = Path.Combine(root, "recordings", "sample-lesion.msgpack"), Pacing = ReplayPacing.AsFastAsPossible,
        }, pool);
        using var engine = InferenceEngine.Load(Path.Combine(root, "models", "lesion-unet16.ckpt"),
            new InferenceEngineOptions { Device = "cpu", MaxBatch = 1, Warmup = 0 });
        // As `medseg replay` runs it: nothing skipped, the checkpoint's threshold; batches of one so no batching choice enters.
        var options = new PipelineOptions
        {
            Mode = PipelineMode.All, MaxBatch = 1,
            Postprocess = new PostprocessOptions { Threshold = engine.Info.Threshold },
        };
        var sink = new CollectingSink();

        var report = await PipelineBuilder.Build(options, engine, source, [sink]).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Null(report.Fault);
        Assert.Equal(10, sink.Frames.Count);
        int width = engine.Description.Width, height = engine.Description.Height;
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(golden);
            foreach (var frame in sink.Frames) Write(golden, frame, width, height);
            Assert.Fail($"{UpdateVariable}=1: wrote {sink.Frames.Count} reference masks to {golden}; unset it and commit them");
        }

        Assert.True(Directory.Exists(golden), $"no references in {golden} (run once with {UpdateVariable}=1)");
        Assert.Equal(sink.Frames.Count, Directory.GetFiles(golden, "labels_*.png").Length);
        long foregroundPixels = 0;
        foreach (var frame in sink.Frames)
        {
            var (labels, prob) = Read(golden, frame.Info.Seq, width, height);
            for (int p = 0; p < labels.Length; p++)
            {
                double reference = prob[p] / 65535.0;
                double got = frame.Foreground[p];
                Assert.True(Math.Abs(got - reference) <= ProbabilityTolerance,
                    $"frame {frame.Info.Seq} pixel ({p % width}, {p / width}): probability {got:F4}, reference {reference:F4}");
                if (Math.Abs(reference - engine.Info.Threshold) > ThresholdBand)
                    Assert.True(labels[p] == frame.Labels[p], $"frame {frame.Info.Seq} pixel ({p % width}, {p / width}): label {frame.Labels[p]}, reference {labels[p]}");
                foregroundPixels += labels[p];
            }
        }
        // The references hold lesions, so an empty or all-background model could not pass.
        Assert.True(foregroundPixels > 100, $"only {foregroundPixels} foreground pixels in the references");
        // And they are good masks, not just repeatable ones: against the session's own ground truth
        // (at the image's size; the mask, at the model's, is sampled at each image pixel's centre).
        long overlap = 0, sum = 0;
        foreach (var frame in sink.Frames)
        {
            int w = frame.Info.Width, h = frame.Info.Height;
            Assert.Equal(w * h, frame.GroundTruth.Length);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int mx = Math.Min((int)((x + 0.5) * width / w), width - 1), my = Math.Min((int)((y + 0.5) * height / h), height - 1);
                bool a = frame.Labels[my * width + mx] != 0, b = frame.GroundTruth[y * w + x] != 0;
                overlap += a && b ? 1 : 0;
                sum += (a ? 1 : 0) + (b ? 1 : 0);
            }
        }
        double dice = 2.0 * overlap / sum;
        Assert.True(dice >= MinimumDice, $"Dice against the ground truth {dice:F3} < {MinimumDice}");
    }

    private static void Write(string folder, CollectingSink.Seen frame, int width, int height)
    {
        // Labels as 0 / 255 (a binary model: viewable as is); probabilities as round(p × 65535), 16-bit.
        using var labels = new Mat(height, width, MatType.CV_8UC1);
        using var prob = new Mat(height, width, MatType.CV_16UC1);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            byte c = frame.Labels[y * width + x];
            Assert.InRange(c, (byte)0, (byte)1);
            labels.Set(y, x, (byte)(c * 255));
            prob.Set(y, x, (ushort)Math.Round(Math.Clamp(frame.Foreground[y * width + x], 0f, 1f) * 65535));
        }
        Cv2.ImWrite(Path.Combine(folder, $"labels_{frame.Info.Seq:D3}.png"), labels);
        Cv2.ImWrite(Path.Combine(folder, $"prob_{frame.Info.Seq:D3}.png"), prob);
    }

    private static (byte[] Labels, ushort[] Prob) Read(string folder, long seq, int width, int height)
    {
        using var labels = Cv2.ImRead(Path.Combine(folder, $"labels_{seq:D3}.png"), ImreadModes.Grayscale);
        using var prob = Cv2.ImRead(Path.Combine(folder, $"prob_{seq:D3}.png"), ImreadModes.Unchanged);
        Assert.Equal((width, height), (labels.Cols, labels.Rows));
        Assert.Equal((width, height, MatType.CV_16UC1), (prob.Cols, prob.Rows, prob.Type()));
        var l = new byte[width * height];
        var p = new ushort[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            l[y * width + x] = (byte)(labels.At<byte>(y, x) / 255);
            p[y * width + x] = prob.At<ushort>(y, x);
        }
        return (l, p);
    }

    private static string RepositoryRoot()
    {
        string? root = AppContext.BaseDirectory;
        while (root != null && !File.Exists(Path.Combine(root, "MedSeg.Realtime.sln"))) root = Path.GetDirectoryName(root);
        return root ?? throw new InvalidOperationException("not inside the repository");
    }
}
