using System.CommandLine;
using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Phantoms;
using Spectre.Console;

namespace MedSeg.Cli.Bench;

/// <summary>
/// Session recording throughput on one thread: writing 256×256 8-bit frames with predicted and
/// ground-truth masks (LZ4 images, run-length masks, no fsync), reading them back, and reading +
/// scoring (labels and truth only, no inference), plus the file size per frame.
/// </summary>
/// <remarks>Frames are a cine loop of synthetic ultrasound lesions rendered once up front, so the
/// phantom renderer is not measured; the prediction is the truth shifted by two pixels (a realistic,
/// imperfect mask). Targets (issue 4): ≥ 2,000 frames/s written, ≥ 5,000 frames/s read + scored.</remarks>
public static class RecordingBenchmark
{
    public sealed record Options
    {
        public int Frames { get; init; } = 5000;
        public int Size { get; init; } = 256;
        public int Loop { get; init; } = 32;
        public bool Probabilities { get; init; }
        public string? Directory { get; init; }
    }

    public sealed record Result(int Frames, int Size, double WriteFps, double ReadFps, double ScoreFps, double BytesPerFrame,
                                double MeanIou, double WriteMs, double ReadMs, double ScoreMs);

    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Frames to write and read", DefaultValueFactory = _ => 5000 };
        var size = new Option<int>("--size") { Description = "Frame side in pixels", DefaultValueFactory = _ => 256 };
        var prob = new Option<bool>("--probabilities") { Description = "Also record 8-bit probabilities" };
        var cmd = new Command("bench-recording", "Recording throughput: write (LZ4, one core), read, read + score, bytes per frame") { frames, size, prob };
        cmd.SetAction(p =>
        {
            var r = Run(new Options { Frames = p.GetValue(frames), Size = p.GetValue(size), Probabilities = p.GetValue(prob) });
            Print(r);
            return 0;
        });
        return cmd;
    }

    public static Result Run(Options o)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Loop, 1);
        int size = o.Size, plane = size * size;
        var (pixels, truth, labels, fg) = Prerender(size, o.Loop);
        string dir = o.Directory ?? System.IO.Directory.CreateTempSubdirectory("medseg-bench-rec-").FullName;
        string path = Path.Combine(dir, "bench.msgpack");
        try
        {
            var header = new SessionHeader { Source = "recording benchmark", Width = size, Height = size, MaskWidth = size, MaskHeight = size, ClassNames = ["background", "lesion"] };
            var writerOptions = new RecordingWriterOptions { Fsync = FsyncPolicy.None, Probabilities = o.Probabilities };
            var times = new StageTimes();
            var clock = Stopwatch.StartNew();
            using (var writer = RecordingWriter.Create(path, header, writerOptions, overwrite: true))
            {
                for (int i = 0; i < o.Frames; i++)
                {
                    int k = i % o.Loop;
                    times.Captured = times.Postprocessed = StageTimes.Now();
                    writer.Append(new FrameData
                    {
                        Seq = i, Timestamp = TimeSpan.FromTicks(i * 400_000L), Times = times, Flags = FrameFlags.HasGroundTruth,
                        Width = size, Height = size, Pixels = pixels[k], MaskWidth = size, MaskHeight = size, Labels = labels[k],
                        Foreground = o.Probabilities ? fg[k] : default, GroundTruth = truth[k],
                    });
                }
            }
            double writeMs = clock.Elapsed.TotalMilliseconds;
            long bytes = new FileInfo(path).Length;

            clock.Restart();
            using (var reader = RecordingReader.Open(path))
            {
                var f = new FrameRecord();
                while (reader.ReadNext(f)) { }
            }
            double readMs = clock.Elapsed.TotalMilliseconds;

            clock.Restart();
            double meanIou;
            using (var reader = RecordingReader.Open(path))
                meanIou = SessionScorer.AgainstStoredTruth(reader).Summarize().MeanIou;
            double scoreMs = clock.Elapsed.TotalMilliseconds;
            return new Result(o.Frames, size, o.Frames / (writeMs / 1000), o.Frames / (readMs / 1000), o.Frames / (scoreMs / 1000),
                              (double)bytes / o.Frames, meanIou, writeMs, readMs, scoreMs);
        }
        finally
        {
            if (o.Directory is null) System.IO.Directory.Delete(dir, recursive: true);
            else File.Delete(path);
        }
    }

    public static void Print(Result r)
    {
        var t = new Table().Title($"session recording, {r.Frames} frames of {r.Size}×{r.Size} gray8 + masks, one thread")
            .AddColumns("step", "frames/s", "total ms");
        t.AddRow("write (LZ4 image, RLE masks)", $"{r.WriteFps:N0}", $"{r.WriteMs:F0}");
        t.AddRow("read (all planes decoded)", $"{r.ReadFps:N0}", $"{r.ReadMs:F0}");
        t.AddRow("read + score (labels, truth)", $"{r.ScoreFps:N0}", $"{r.ScoreMs:F0}");
        AnsiConsole.Write(t);
        AnsiConsole.MarkupLine($"{r.BytesPerFrame / 1024:F1} KiB per frame; mean IoU {r.MeanIou:F4}");
    }

    private static (byte[][] Pixels, byte[][] Truth, byte[][] Labels, float[][] Foreground) Prerender(int size, int loop)
    {
        var sequence = new SyntheticSequence(SyntheticTask.Lesion, size, seed: 1);
        var pixels = new byte[loop][];
        var truth = new byte[loop][];
        var labels = new byte[loop][];
        var fg = new float[loop][];
        for (int k = 0; k < loop; k++)
        {
            using var image = sequence.Frame(k);
            pixels[k] = image.Image.AsSpan<byte>().ToArray();
            truth[k] = image.Mask.AsSpan<byte>().ToArray();
            labels[k] = new byte[truth[k].Length];
            fg[k] = new float[truth[k].Length];
            for (int y = 0; y < size; y++)
                for (int x = 2; x < size; x++)
                {
                    labels[k][y * size + x] = truth[k][y * size + x - 2];
                    fg[k][y * size + x] = labels[k][y * size + x] * 0.9f;
                }
        }
        return (pixels, truth, labels, fg);
    }
}
