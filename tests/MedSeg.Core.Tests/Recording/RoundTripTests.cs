using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MessagePack;

namespace MedSeg.Core.Tests.Recording;

public sealed class RoundTripTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Gray16)]
    [InlineData(PixelFormat.Int16)]
    [InlineData(PixelFormat.Bgr24)]
    [InlineData(PixelFormat.Float32)]
    public void WriteRead_EveryFormat_BitExact(PixelFormat format)
    {
        string path = _dir.File("s.msgpack");
        var written = SampleSession.Write(path, format: format);
        using var reader = RecordingReader.Open(path);
        var read = SampleSession.ReadAll(reader);
        Assert.Equal(written.Count, read.Count);
        for (int i = 0; i < read.Count; i++) SampleSession.AssertSame(written[i], read[i], truthExpected: written[i].Seq != 1);
        Assert.Equal(RecordingEndKind.Footer, reader.End!.Kind);
        Assert.True(reader.End.Clean);
    }

    [Fact]
    public void Header_AllFields_RoundTrip()
    {
        string path = _dir.File("h.msgpack");
        SampleSession.Write(path, count: 1);
        using var reader = RecordingReader.Open(path);
        var h = reader.Header;
        var expected = SampleSession.Header();
        Assert.Equal(expected.Source, h.Source);
        Assert.Equal((32, 24, 32, 24), (h.Width, h.Height, h.MaskWidth, h.MaskHeight));
        Assert.Equal(expected.ClassNames, h.ClassNames);
        Assert.Equal(expected.ClassColors, h.ClassColors);
        Assert.Equal(expected.Tags.OrderBy(t => t.Key), h.Tags.OrderBy(t => t.Key));
        Assert.Equal(expected.Model, h.Model);
        Assert.Equal(System.Diagnostics.Stopwatch.Frequency, h.ClockFrequency);
        Assert.True(h.Probabilities);
        Assert.InRange(DateTimeOffset.UtcNow - h.StartedUtc, TimeSpan.Zero, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Footer_CountsGapsAndIndexesEveryFrame()
    {
        string path = _dir.File("f.msgpack");
        var written = SampleSession.Write(path, count: 8);
        using var reader = RecordingReader.Open(path);
        var footer = reader.Footer!;
        Assert.Equal(8, footer.Frames);
        Assert.Equal((0L, 8L), (footer.FirstSeq, footer.LastSeq));
        Assert.Equal(1, footer.MissingSeq);       // seq 4 never written
        Assert.Equal(1, footer.FramesAfterGap);   // seq 3 carries the DroppedUpstream flag
        Assert.Equal(8, footer.Index.Count);

        // Random access through the index, backwards.
        var f = new FrameRecord();
        for (int i = written.Count - 1; i >= 0; i--)
        {
            reader.ReadAt(footer.Index[i], f);
            SampleSession.AssertSame(written[i], f, written[i].Seq != 1);
        }
    }

    [Fact]
    public void NoFooter_EveryRecordRead_EndIsCutOffAtFileLength()
    {
        string path = _dir.File("cut.msgpack");
        var written = SampleSession.Write(path, count: 5, complete: false);
        using var reader = RecordingReader.Open(path);
        Assert.Null(reader.Footer);
        Assert.Equal(5, SampleSession.ReadAll(reader).Count);
        Assert.Equal(RecordingEndKind.CutOff, reader.End!.Kind);
        Assert.Equal(new FileInfo(path).Length, reader.End.Offset);
        Assert.Equal(5, reader.FrameOffsets().Count);
    }

    [Fact]
    public void PartialLastRecord_ReportedAsTruncatedAtItsOffset()
    {
        string path = _dir.File("trunc.msgpack");
        SampleSession.Write(path, count: 5, complete: false);
        long lastStart;
        using (var r = RecordingReader.Open(path)) lastStart = r.FrameOffsets()[^1];
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(lastStart + 100);
        using var reader = RecordingReader.Open(path);
        Assert.Equal(4, SampleSession.ReadAll(reader).Count);
        Assert.Equal(RecordingEndKind.Truncated, reader.End!.Kind);
        Assert.Equal(lastStart, reader.End.Offset);
        Assert.Equal(100, reader.End.LostBytes);
        Assert.Contains($"byte {lastStart}", reader.End.Message);
    }

    [Fact]
    public void Planes_OnlyChosenOnesDecoded_SizesAlwaysKnown()
    {
        string path = _dir.File("p.msgpack");
        SampleSession.Write(path, count: 2);
        using var reader = RecordingReader.Open(path);
        var f = new FrameRecord();
        Assert.True(reader.ReadNext(f, FramePlanes.Labels | FramePlanes.GroundTruth));
        Assert.Null(f.Image);
        Assert.Null(f.Probabilities);
        Assert.NotNull(f.Labels);
        Assert.NotNull(f.GroundTruth);
        Assert.True(f.ImageBytes > 0 && f.LabelBytes > 0 && f.ProbabilityBytes > 0 && f.GroundTruthBytes > 0);
    }

    [Fact]
    public void Summary_CountsFramesDropsSizesAndDuration()
    {
        string path = _dir.File("sum.msgpack");
        var written = SampleSession.Write(path, count: 8);
        var s = RecordingSummary.Scan(path);
        Assert.Equal(8, s.Frames);
        Assert.Equal(1, s.MissingSeq);
        Assert.Equal(7, s.FramesWithGroundTruth);
        Assert.Equal(written[^1].Timestamp - written[0].Timestamp, s.Duration);
        Assert.True(s.HasFooter);
        Assert.True(s.BytesPerFrame > 0);
        Assert.Equal(new FileInfo(path).Length, s.FileBytes);
    }

    [Fact]
    public void Writer_RefusesToOverwrite_UnlessAsked()
    {
        string path = _dir.File("o.msgpack");
        SampleSession.Write(path, count: 1);
        Assert.Throws<IOException>(() => RecordingWriter.Create(path, SampleSession.Header()));
        using (RecordingWriter.Create(path, SampleSession.Header(), overwrite: true)) { }
        using var reader = RecordingReader.Open(path);
        Assert.Empty(SampleSession.ReadAll(reader));
    }

    [Fact]
    public void Png_WithoutCodec_ClearError()
    {
        Assert.Throws<ArgumentException>(() => new RecordingWriterOptions { Image = ImageEncoding.Png }.Validate());
    }

    [Fact]
    public void Payload_IsPlainMessagePack_ReadableWithoutTypeInfo()
    {
        // What another tool sees: a map with string keys, decodable by the standard (non-typeless) resolver.
        string path = _dir.File("plain.msgpack");
        SampleSession.Write(path, count: 1);
        using var reader = RecordingReader.Open(path);
        byte[] bytes = File.ReadAllBytes(path);
        long at = reader.FirstFrameOffset;
        int length = BitConverter.ToInt32(bytes, (int)at + 4);
        var options = MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData);
        var map = MessagePackSerializer.Deserialize<Dictionary<string, object>>(bytes.AsMemory((int)at + 12, length), options);
        Assert.Equal(new[] { "flags", "image", "labels", "prob", "seq", "st", "truth", "ts" }, map.Keys.Order());
        var image = (Dictionary<object, object>)map["image"];
        Assert.Equal("gray8", image["fmt"]);
    }
}
