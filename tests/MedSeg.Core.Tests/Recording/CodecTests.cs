using System.Text;
using MedSeg.Core.Recording;

namespace MedSeg.Core.Tests.Recording;

public sealed class CodecTests
{
    [Fact]
    public void Crc32_CheckValue_MatchesZlib()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Fact]
    public void Crc32_InPieces_EqualsWhole()
    {
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 40)));
        uint whole = Crc32.Compute(data);
        for (int cut = 0; cut < 40; cut += 3)
            Assert.Equal(whole, Crc32.Compute(data.AsSpan(cut), Crc32.Compute(data.AsSpan(0, cut))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(70_000)]
    public void RunLength_RoundTrip_Exact(int pixels)
    {
        var rng = new Random(pixels);
        var mask = new byte[pixels];
        for (int i = 0; i < pixels;)
        {
            int run = rng.Next(1, 500);
            mask.AsSpan(i, Math.Min(run, pixels - i)).Fill((byte)rng.Next(0, 4));
            i += run;
        }
        var encoded = new byte[RunLength.MaxEncodedLength(pixels)];
        int n = RunLength.Encode(mask, encoded);
        var back = new byte[pixels];
        RunLength.Decode(encoded.AsSpan(0, n), back);
        Assert.Equal(mask, back);
    }

    [Fact]
    public void RunLength_WorstCase_FitsBound()
    {
        var mask = Enumerable.Range(0, 1000).Select(i => (byte)(i % 2)).ToArray();
        var encoded = new byte[RunLength.MaxEncodedLength(mask.Length)];
        Assert.Equal(2000, RunLength.Encode(mask, encoded));
    }

    [Theory]
    [InlineData(new byte[] { 1, 0 })]               // zero run
    [InlineData(new byte[] { 1, 11 })]              // too many pixels
    [InlineData(new byte[] { 1, 5 })]               // too few pixels
    [InlineData(new byte[] { 1, 0x80 })]            // varint cut off
    [InlineData(new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // varint too long
    public void RunLength_BadData_InvalidDataException(byte[] data)
    {
        Assert.Throws<InvalidDataException>(() => RunLength.Decode(data, new byte[10]));
    }

    [Fact]
    public void MaskResize_SameSize_Copies_AndNeverInventsIds()
    {
        var src = Enumerable.Range(0, 12).Select(i => (byte)(i % 3)).ToArray();
        var same = new byte[12];
        MaskResize.NearestExact(src, 4, 3, same, 4, 3);
        Assert.Equal(src, same);
        var big = new byte[9 * 7];
        MaskResize.NearestExact(src, 4, 3, big, 9, 7);
        Assert.All(big, b => Assert.InRange(b, 0, 2));
        var half = new byte[2 * 2];
        MaskResize.NearestExact([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3], 4, 4, half, 2, 2);
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, half);
    }
}

public sealed class ScorerTests
{
    [Fact]
    public void BinaryFastPath_SameMetricsAsImageMetrics()
    {
        var rng = new Random(3);
        foreach (var (w, h) in new[] { (1, 1), (31, 1), (32, 1), (33, 1), (1000, 1), (256, 256), (101, 693) })
        {
            int n = w * h;
            var p = new byte[n];
            var t = new byte[n];
            for (int i = 0; i < n; i++)
            {
                p[i] = (byte)(rng.Next(3) == 0 ? 1 : 0);
                t[i] = (byte)(rng.Next(4) == 0 ? 1 : 0);
            }
            var scorer = new SessionScorer(["background", "fg"]);
            var fast = scorer.Add(Fill(new FrameRecord(), p, w, h), t, w, h)!.Metrics;
            var slow = MedSeg.Core.Metrics.ImageMetrics.Compute(fast.Id, p, t, w, h, 2, computeHd95: false);
            Assert.Equal(slow.Classes[0].Counts, fast.Classes[0].Counts);
            Assert.Equal(slow.PixelAccuracy, fast.PixelAccuracy);
            Assert.Equal(slow.MeanIou, fast.MeanIou);
        }
        var bad = new SessionScorer(["background", "fg"]);
        // A class id outside the classes costs that frame, not the run: skipped, counted and named.
        Assert.Null(bad.Add(Fill(new FrameRecord(), [0, 255], 2, 1), [0, 1], 2, 1));
        Assert.Equal(1, bad.Skipped);
        Assert.Contains("class id 255", Assert.Single(bad.Problems));
    }

    private static FrameRecord Fill(FrameRecord f, byte[] labels, int width, int height)
    {
        // FrameRecord's setters are internal; a round trip through a real file fills one.
        string path = Path.Combine(Path.GetTempPath(), $"scorer-{Guid.NewGuid():N}.msgpack");
        try
        {
            using (var w = RecordingWriter.Create(path, new SessionHeader { Width = width, Height = height }))
                w.Append(new FrameData { Seq = 0, Width = width, Height = height, Pixels = new byte[width * height], MaskWidth = width, MaskHeight = height, Labels = labels });
            using var r = RecordingReader.Open(path);
            Assert.True(r.ReadNext(f));
            return f;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
