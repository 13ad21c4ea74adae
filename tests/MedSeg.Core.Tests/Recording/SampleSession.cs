using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

namespace MedSeg.Core.Tests.Recording;

/// <summary>Deterministic frames (a moving disc over noise) and helpers to write and compare sessions.</summary>
internal static class SampleSession
{
    public sealed record Source(long Seq, TimeSpan Timestamp, StageTimes Times, FrameFlags Flags, int Width, int Height, PixelFormat Format,
                                byte[] Pixels, byte[] Labels, float[] Foreground, byte[] Truth);

    public static Source Make(long seq, int width = 32, int height = 24, PixelFormat format = PixelFormat.Gray8, int seed = 7)
    {
        var rng = new Random(seed * 1000 + (int)seq);
        var pixels = new byte[width * height * format.BytesPerPixel()];
        rng.NextBytes(pixels);
        if (format == PixelFormat.Float32)
        {
            var floats = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(pixels.AsSpan());
            for (int i = 0; i < floats.Length; i++) floats[i] = (float)rng.NextDouble() * 100 - 20;
        }
        // Smooth half: compressible, so both "raw" and "lz4" planes occur.
        if (seq % 2 == 0) pixels.AsSpan(0, pixels.Length / 2).Fill((byte)(seq * 3));
        var labels = new byte[width * height];
        var fg = new float[width * height];
        var truth = new byte[width * height];
        int cx = (int)(4 + seq * 2) % width, cy = height / 2, r = 5;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x, d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                truth[i] = d2 <= r * r ? (byte)1 : (byte)0;
                labels[i] = d2 <= (r - 1) * (r - 1) ? (byte)1 : (byte)0;
                fg[i] = Math.Clamp(1f - d2 / 50f, 0f, 1f);
            }
        var times = new StageTimes { Captured = 1000 + seq * 100, Queued = 1001 + seq * 100, Postprocessed = 1050 + seq * 100, Recorded = 1060 + seq * 100 };
        var flags = (seq == 3 ? FrameFlags.DroppedUpstream : FrameFlags.None) | FrameFlags.HasGroundTruth;
        return new Source(seq, TimeSpan.FromTicks(seq * 400_001), times, flags, width, height, format, pixels, labels, fg, truth);
    }

    public static FrameData Data(Source s, bool withLabels = true, bool withTruth = true) => new()
    {
        Seq = s.Seq, Timestamp = s.Timestamp, Times = s.Times, Flags = s.Flags, Width = s.Width, Height = s.Height, Format = s.Format,
        Pixels = s.Pixels, MaskWidth = s.Width, MaskHeight = s.Height, Labels = withLabels ? s.Labels : default,
        Foreground = withLabels ? s.Foreground : default, GroundTruth = withTruth ? s.Truth : default,
    };

    public static SessionHeader Header(PixelFormat format = PixelFormat.Gray8) => new()
    {
        Source = "unit test", Width = 32, Height = 24, PixelFormat = format, MaskWidth = 32, MaskHeight = 24, ClassNames = ["background", "lesion"],
        ClassColors = ["#000000", "#3cdc3c"], Tags = new Dictionary<string, string> { ["site"] = "lab", ["operator"] = "test" },
        Model = new RecordedModel("threshold", "none.ckpt", "00", "{\"threshold\":0.5}"),
    };

    /// <summary>Writes frames with seq 0 … count − 1 (seq 4 skipped, so there is one gap) and returns what was written.</summary>
    public static List<Source> Write(string path, int count = 8, RecordingWriterOptions? options = null, bool complete = true,
                                     PixelFormat format = PixelFormat.Gray8)
    {
        var written = new List<Source>();
        var writer = RecordingWriter.Create(path, Header(format), options ?? new RecordingWriterOptions { Probabilities = true, Fsync = FsyncPolicy.None });
        for (long seq = 0; written.Count < count; seq++)
        {
            if (seq == 4) continue;
            var s = Make(seq, format: format);
            writer.Append(Data(s, withTruth: seq != 1));
            written.Add(s);
        }
        writer.Complete();
        if (!complete) CutFooter(path);
        return written;
    }

    /// <summary>Cuts the footer and trailer off, leaving the file as a writer stopped between two records leaves it.</summary>
    public static long CutFooter(string path)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        long footerAt = BitConverter.ToInt64(bytes, bytes.Length - RecordingFormat.TrailerLength);
        using var fs = new FileStream(path, FileMode.Open);
        fs.SetLength(footerAt);
        return footerAt;
    }

    /// <summary>Asserts a read-back frame equals what was written (bit-exact, probabilities within quantisation).</summary>
    public static void AssertSame(Source s, FrameRecord r, bool truthExpected)
    {
        Assert.Equal(s.Seq, r.Seq);
        Assert.Equal(s.Timestamp, r.Timestamp);
        Assert.Equal(s.Times, r.Times);
        Assert.Equal(s.Flags, r.Flags);
        Assert.Equal((s.Width, s.Height, s.Format), (r.Width, r.Height, r.Format));
        Assert.Equal(s.Pixels, r.Image);
        Assert.Equal(s.Labels, r.Labels);
        Assert.True(r.HasProbabilities);
        for (int i = 0; i < s.Foreground.Length; i++) Assert.InRange(r.Probabilities![i] / 255f - s.Foreground[i], -0.5f / 255 - 1e-6f, 0.5f / 255 + 1e-6f);
        Assert.Equal(truthExpected, r.HasGroundTruth);
        if (truthExpected) Assert.Equal(s.Truth, r.GroundTruth);
    }

    /// <summary>Reads every frame, cloned.</summary>
    public static List<FrameRecord> ReadAll(RecordingReader reader, FramePlanes planes = FramePlanes.All)
    {
        var list = new List<FrameRecord>();
        var f = new FrameRecord();
        while (reader.ReadNext(f, planes)) list.Add(f.Clone());
        return list;
    }
}
