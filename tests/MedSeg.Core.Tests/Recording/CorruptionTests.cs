using System.Buffers;
using System.Buffers.Binary;
using MedSeg.Core.Recording;
using MessagePack;

namespace MedSeg.Core.Tests.Recording;

/// <summary>
/// A few hundred damaged variants of a real recording: each must give a clear
/// <see cref="RecordingFormatException"/> (file + byte offset) or a clean partial read whose frames
/// are exactly the original's first frames — never another exception, a hang or a huge allocation.
/// </summary>
public sealed class CorruptionTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly TempDir _dir = new();
    private readonly byte[] _original;
    private readonly List<FrameRecord> _frames;
    private readonly long[] _recordStarts; // header, frames, footer
    private readonly long _firstFrame;

    public CorruptionTests()
    {
        string path = _dir.File("base.msgpack");
        SampleSession.Write(path, count: 8);
        _original = File.ReadAllBytes(path);
        using var reader = RecordingReader.Open(path);
        _frames = SampleSession.ReadAll(reader);
        _firstFrame = reader.FirstFrameOffset;
        _recordStarts = [RecordingFormat.PreambleLength, .. reader.FrameOffsets(), reader.End!.Offset];
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Truncations_EveryBoundaryAndMore_CleanPartialReadOrClearError()
    {
        var lengths = new SortedSet<long>();
        for (long n = 0; n <= 40; n++) lengths.Add(n);
        foreach (long start in _recordStarts)
            foreach (long d in new long[] { -13, -12, -11, -1, 0, 1, 2, 11, 12, 13, 40 })
                lengths.Add(Math.Clamp(start + d, 0, _original.Length));
        for (int k = 0; k < 60; k++) lengths.Add(_original.Length * k / 60);
        lengths.Add(_original.Length - 1);
        int partial = 0;
        foreach (long n in lengths)
        {
            var outcome = Check(_original.AsSpan(0, (int)n).ToArray(), $"truncated to {n}");
            if (outcome.Frames is { } read && n < _original.Length)
            {
                // Every complete frame record before the cut is recovered.
                int complete = _recordStarts.Skip(1).Take(_frames.Count).Count(s => NextStart(s) <= n);
                Assert.True(read == complete, $"truncated to {n}: {read} frames read, {complete} complete");
                partial++;
            }
        }
        Assert.True(lengths.Count > 100 && partial > 60, $"{lengths.Count} variants, {partial} partial reads");
    }

    [Fact]
    public void BitFlips_Random_DetectedByChecksumOrHarmless()
    {
        var rng = new Random(42);
        for (int k = 0; k < 150; k++)
        {
            byte[] bytes = (byte[])_original.Clone();
            int at = rng.Next(bytes.Length);
            bytes[at] ^= (byte)(1 << rng.Next(8));
            Check(bytes, $"bit flip at {at}");
        }
    }

    [Fact]
    public void AbsurdLengths_EveryRecord_ClearErrorOrPartialRead()
    {
        uint[] lengths = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, (uint)new RecordingReaderOptions().MaxRecordBytes + 1, 1 << 30];
        foreach (long start in _recordStarts)
        {
            uint real = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan((int)start + 4));
            foreach (uint len in lengths.Append(real - 1).Append(real + 1))
            {
                byte[] bytes = (byte[])_original.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)start + 4), len);
                Check(bytes, $"record at {start} length {len}");
            }
        }
    }

    [Fact]
    public void WrongMagicOrVersion_ClearErrorAtOffset()
    {
        for (int i = 0; i < 8; i++)
        {
            byte[] bytes = (byte[])_original.Clone();
            bytes[i] ^= 0x20;
            var e = Assert.IsType<RecordingFormatException>(Check(bytes, $"magic byte {i}").Error);
            Assert.Contains("not a MedSeg session recording", e.Message);
            Assert.Equal(0, e.Offset);
        }
        foreach (uint version in new uint[] { 0, 3, 255, 0xFFFF_FFFF })
        {
            byte[] bytes = (byte[])_original.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), version);
            var e = Assert.IsType<RecordingFormatException>(Check(bytes, $"version {version}").Error);
            Assert.Contains($"version {version}", e.Message);
        }
        Assert.IsType<RecordingFormatException>(Check([], "empty file").Error);
        Assert.IsType<RecordingFormatException>(Check("PK\x03\x04 a zip file, not a session"u8.ToArray(), "zip").Error);
    }

    public static TheoryData<string> CraftedFrames => new(s_craftedFrames.Keys);

    /// <summary>Payloads with a valid checksum, so they get past the CRC and hit the MessagePack parser.</summary>
    [Theory]
    [MemberData(nameof(CraftedFrames))]
    public void CraftedFramePayload_ValidChecksum_StopsCleanlyBeforeIt(string name)
    {
        byte[] payload = s_craftedFrames[name]();
        // Frames 0 and 1, then the crafted record, then frame 3 onwards (never reached).
        long cut = _recordStarts[3];
        byte[] bytes = [.. _original.AsSpan(0, (int)cut), .. Record(RecordingFormat.FrameKind, payload), .. _original.AsSpan((int)cut)];
        var outcome = Check(bytes, name);
        Assert.Equal(2, outcome.Frames);
        Assert.Equal(RecordingEndKind.Corrupt, outcome.End!.Kind);
        Assert.Equal(cut, outcome.End.Offset);
        Assert.Contains($"byte {cut}", outcome.End.Message);
    }

    public static TheoryData<string> CraftedHeaders => new(s_craftedHeaders.Keys);

    [Theory]
    [MemberData(nameof(CraftedHeaders))]
    public void CraftedHeaderPayload_ValidChecksum_ClearError(string name)
    {
        byte[] bytes = [.. _original.AsSpan(0, RecordingFormat.PreambleLength), .. Record(RecordingFormat.HeaderKind, s_craftedHeaders[name]()),
                        .. _original.AsSpan((int)_firstFrame)];
        var e = Assert.IsType<RecordingFormatException>(Check(bytes, name).Error);
        Assert.Equal(RecordingFormat.PreambleLength, e.Offset);
        Assert.Contains("header", e.Message);
    }

    [Fact]
    public void UnknownRecordKind_WithValidChecksum_Skipped()
    {
        long cut = _recordStarts[3];
        byte[] bytes = [.. _original.AsSpan(0, (int)cut), .. Record((byte)'X', [0xc0]), .. _original.AsSpan((int)cut)];
        var outcome = Check(bytes, "unknown kind");
        Assert.Equal(_frames.Count, outcome.Frames);
    }

    [Fact]
    public void MaskPlanes_HeaderWithoutMaskSize_CheckedAgainstEachOtherAsRead()
    {
        // Sessions whose header gives no mask size are checked plane against plane. The checks use
        // the sizes read from this record, not the reused record's arrays, which hold whatever an
        // earlier read decoded (or nothing, when this read skips the plane).
        var (path, at) = WithFrames(
            Frame((ref MessagePackWriter w) => { Seq(ref w); Image(ref w); Mask(ref w, "labels", 32, 24); Mask(ref w, "prob", 32, 24); }),
            Frame((ref MessagePackWriter w) => { Seq(ref w); Image(ref w); Mask(ref w, "labels", 16, 12); Mask(ref w, "prob", 16, 12); }),
            Frame((ref MessagePackWriter w) => { Seq(ref w); Image(ref w); Mask(ref w, "labels", 32, 24); Mask(ref w, "prob", 16, 12); }),
            Frame((ref MessagePackWriter w) => { Seq(ref w); Image(ref w); Mask(ref w, "prob", 16, 12); }),
            Frame((ref MessagePackWriter w) => { Seq(ref w); Image(ref w); Mask(ref w, "truth", 16, 12); }));   // truth: the image's size
        using var reader = RecordingReader.Open(path);
        var f = reader.ReadAt(at[0]);
        Assert.Equal(32 * 24, f.Probabilities!.Length);
        // Frame 1's probabilities are not decoded: the record still holds frame 0's 32×24 array.
        reader.ReadAt(at[1], f, FramePlanes.Labels);
        Assert.Equal((16, 12), (f.MaskWidth, f.MaskHeight));

        var e = Assert.Throws<RecordingFormatException>(() => reader.ReadAt(at[2], f, FramePlanes.Labels));
        Assert.Contains("prob is 16×12 but labels are 32×24", e.Message);

        reader.ReadAt(at[3], f);
        Assert.False(f.HasLabels);
        Assert.Equal((16, 12), (f.MaskWidth, f.MaskHeight));   // probabilities alone still give the mask size

        e = Assert.Throws<RecordingFormatException>(() => reader.ReadAt(at[4], f, FramePlanes.Image));
        Assert.Contains("truth is 16×12", e.Message);
    }

    /// <summary>A session whose header has no mask size, followed by crafted frame records; returns the path and each frame's offset.</summary>
    private (string Path, long[] Offsets) WithFrames(params byte[][] payloads)
    {
        string basePath = _dir.File("no-mask-size.msgpack");
        using (var writer = RecordingWriter.Create(basePath, SampleSession.Header() with { MaskWidth = 0, MaskHeight = 0 },
                                                   new RecordingWriterOptions { Fsync = FsyncPolicy.None }))
            writer.Complete();
        long firstFrame;
        using (var reader = RecordingReader.Open(basePath)) firstFrame = reader.FirstFrameOffset;
        var bytes = new List<byte>(File.ReadAllBytes(basePath).AsSpan(0, (int)firstFrame).ToArray());
        var offsets = new long[payloads.Length];
        for (int i = 0; i < payloads.Length; i++)
        {
            offsets[i] = bytes.Count;
            bytes.AddRange(Record(RecordingFormat.FrameKind, payloads[i]));
        }
        string path = _dir.File("crafted-masks.msgpack");
        File.WriteAllBytes(path, [.. bytes]);
        return (path, offsets);
    }

    private static void Image(ref MessagePackWriter w)
    {
        w.WriteString("image"u8);
        Plane(ref w, "raw", 32, 24, "gray8", 768, new byte[768]);
    }

    private static void Mask(ref MessagePackWriter w, string key, int width, int height)
    {
        w.Write(key);
        Plane(ref w, "raw", width, height, "gray8", width * height, new byte[width * height]);
    }

    private static readonly Dictionary<string, Func<byte[]>> s_craftedFrames = new()
    {
        ["empty payload"] = () => [],
        ["not a map"] = () => [0x2a],
        ["nil"] = () => [0xc0],
        ["invalid code 0xc1"] = () => [0xc1],
        ["array nested 200k deep"] = () => [.. Enumerable.Repeat((byte)0x91, 200_000), 0xc0],
        ["map nested 100k deep"] = () => [.. Enumerable.Range(0, 100_000).SelectMany(_ => new byte[] { 0x81, 0xa1, (byte)'k' }), 0xc0],
        ["unknown key holding deep nesting"] = () => [0x81, 0xa1, (byte)'z', .. Enumerable.Repeat((byte)0x91, 50_000), 0xc0],
        ["array of 4 billion items"] = () => [0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0],
        ["map of 4 billion entries"] = () => [0xdf, 0xff, 0xff, 0xff, 0xff, 0xc0],
        ["map of 65535 entries, 1 present"] = () => [0xde, 0xff, 0xff, 0xa3, (byte)'s', (byte)'e', (byte)'q', 0x01],
        ["string of 2 GB"] = () => [0x81, 0xdb, 0x7f, 0xff, 0xff, 0xff, (byte)'a'],
        ["bin of 2 GB"] = () => [0x81, 0xa1, (byte)'z', 0xc6, 0x7f, 0xff, 0xff, 0xff, 0x00],
        ["seq is a string"] = () => Frame((ref MessagePackWriter w) => { w.WriteString("seq"u8); w.Write("zero"); }),
        ["st is 1M stamps"] = () => Frame((ref MessagePackWriter w) => { w.WriteString("st"u8); w.WriteArrayHeader(1_000_000); w.Write(1); }),
        ["missing image"] = () => Frame((ref MessagePackWriter w) => { w.WriteString("seq"u8); w.Write(2); w.WriteString("ts"u8); w.Write(0); }),
        ["image 16384² float32"] = () => FrameWithImage("lz4", 16384, 16384, "float32", 16384 * 16384 * 4, new byte[10]),
        ["image 4000² claimed from 10 lz4 bytes"] = () => FrameWithImage("lz4", 4000, 4000, "gray8", 16_000_000, new byte[10]),
        ["image size differs from header"] = () => FrameWithImage("raw", 8, 8, "gray8", 64, new byte[64]),
        ["image side 0"] = () => FrameWithImage("raw", 0, 24, "gray8", 0, []),
        ["image len lies"] = () => FrameWithImage("raw", 32, 24, "gray8", 100, new byte[100]),
        ["raw data short"] = () => FrameWithImage("raw", 32, 24, "gray8", 768, new byte[700]),
        ["lz4 garbage"] = () => FrameWithImage("lz4", 32, 24, "gray8", 768, Enumerable.Range(0, 300).Select(i => (byte)(i * 37)).ToArray()),
        ["rle on an image"] = () => FrameWithImage("rle", 32, 24, "gray8", 768, [0, 0x80, 0x06]),
        ["unknown encoding"] = () => FrameWithImage("jpeg", 32, 24, "gray8", 768, new byte[10]),
        ["png without codec"] = () => FrameWithImage("png", 32, 24, "gray8", 768, new byte[10]),
        ["unknown pixel format"] = () => FrameWithImage("raw", 32, 24, "gray12", 768, new byte[768]),
        ["truth rle garbage"] = () => Frame((ref MessagePackWriter w) =>
        {
            Seq(ref w);
            w.WriteString("image"u8); Plane(ref w, "raw", 32, 24, "gray8", 768, new byte[768]);
            w.WriteString("truth"u8); Plane(ref w, "rle", 32, 24, "gray8", 768, [1, 0xff, 0xff, 0xff, 0xff, 0x0f]);
        }),
        ["labels wrong size"] = () => Frame((ref MessagePackWriter w) =>
        {
            Seq(ref w);
            w.WriteString("image"u8); Plane(ref w, "raw", 32, 24, "gray8", 768, new byte[768]);
            w.WriteString("labels"u8); Plane(ref w, "rle", 16, 16, "gray8", 256, [0, 0x80, 0x02]);
        }),
        ["labels 16-bit"] = () => Frame((ref MessagePackWriter w) =>
        {
            Seq(ref w);
            w.WriteString("image"u8); Plane(ref w, "raw", 32, 24, "gray8", 768, new byte[768]);
            w.WriteString("labels"u8); Plane(ref w, "raw", 32, 24, "gray16", 1536, new byte[1536]);
        }),
        ["plane is an array"] = () => Frame((ref MessagePackWriter w) => { Seq(ref w); w.WriteString("image"u8); w.WriteArrayHeader(1); w.Write(1); }),
        ["flags negative"] = () => Frame((ref MessagePackWriter w) => { Seq(ref w); w.WriteString("flags"u8); w.Write(-5); }),
        ["ext type value"] = () => Frame((ref MessagePackWriter w) => { Seq(ref w); w.WriteString("z"u8); w.WriteExtensionFormat(new ExtensionResult(5, new byte[3])); }),
    };

    private static readonly Dictionary<string, Func<byte[]>> s_craftedHeaders = new()
    {
        ["header empty"] = () => [],
        ["header not a map"] = () => [0x93, 1, 2, 3],
        ["header without format"] = () => Map((ref MessagePackWriter w) => { w.Write("classes"); w.WriteArrayHeader(2); w.Write("a"); w.Write("b"); }),
        ["header wrong format name"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("something-else"); }),
        ["header version 3"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("version"); w.Write(3); }),
        ["header one class"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("classes"); w.WriteArrayHeader(1); w.Write("bg"); }),
        ["header 1M classes"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("classes"); w.WriteArrayHeader(1_000_000); w.Write("bg"); }),
        ["header 100k tags"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("tags"); w.WriteMapHeader(100_000); w.Write("k"); w.Write("v"); }),
        ["header deep tags"] = () => [0x82, 0xa6, .. "format"u8, 0xb0, .. "medseg-recording"u8, 0xa4, .. "tags"u8, .. Enumerable.Repeat((byte)0x91, 100_000), 0xc0],
        ["header frames of 60000² float32"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("width"); w.Write(16000); w.Write("height"); w.Write(16000); w.Write("pixel_format"); w.Write("float32"); }),
        ["header negative clock"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); w.Write("clock_hz"); w.Write(-1); }),
        ["header every key but format missing"] = () => Map((ref MessagePackWriter w) => { w.Write("format"); w.Write("medseg-recording"); }),
        ["header width 0, height 24"] = () => Map((ref MessagePackWriter w) => Required(ref w, 0, 24)),
    };

    // Every key the writer always writes, with the frame size given.
    private static void Required(ref MessagePackWriter w, int width, int height)
    {
        w.Write("format"); w.Write("medseg-recording"); w.Write("version"); w.Write(RecordingFormat.Version);
        w.Write("width"); w.Write(width); w.Write("height"); w.Write(height); w.Write("pixel_format"); w.Write("gray8");
        w.Write("mask_width"); w.Write(width); w.Write("mask_height"); w.Write(height); w.Write("clock_hz"); w.Write(1_000_000_000L);
        w.Write("classes"); w.WriteArrayHeader(2); w.Write("bg"); w.Write("fg");
    }

    /// <summary>Writes into the caller's writer: MessagePackWriter is a struct whose copies would each keep their own position.</summary>
    private delegate void Body(ref MessagePackWriter w);

    private static byte[] Map(Body body, int entries = -1)
    {
        // Entries counted by writing the body once into a probe.
        var probe = new ArrayBufferWriter<byte>();
        var counter = new MessagePackWriter(probe);
        body(ref counter);
        counter.Flush();
        int n = entries >= 0 ? entries : CountTopLevel(probe.WrittenMemory) / 2;
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteMapHeader(n);
        w.Flush();
        return [.. buffer.WrittenSpan, .. probe.WrittenSpan];
    }

    private static int CountTopLevel(ReadOnlyMemory<byte> data)
    {
        var r = new MessagePackReader(data);
        int n = 0;
        while (!r.End)
        {
            n++;
            // A value cut short on purpose (an array header claiming a million items) counts as one
            // and ends the walk. Only the probes above are counted; none is deeply nested.
            try { r.Skip(); }
            catch (EndOfStreamException) { break; }
        }
        return n + (n % 2);
    }

    private static byte[] Frame(Body body) => Map(body);

    private static void Seq(ref MessagePackWriter w)
    {
        w.WriteString("seq"u8); w.Write(2);
        w.WriteString("ts"u8); w.Write(0);
    }

    private static byte[] FrameWithImage(string enc, int width, int height, string fmt, int len, byte[] data) => Frame((ref MessagePackWriter w) =>
    {
        Seq(ref w);
        w.WriteString("image"u8);
        Plane(ref w, enc, width, height, fmt, len, data);
    });

    private static void Plane(ref MessagePackWriter w, string enc, int width, int height, string fmt, int len, byte[] data)
    {
        w.WriteMapHeader(6);
        w.Write("enc"); w.Write(enc);
        w.Write("w"); w.Write(width);
        w.Write("h"); w.Write(height);
        w.Write("fmt"); w.Write(fmt);
        w.Write("len"); w.Write(len);
        w.Write("data"); w.Write(data);
        w.Flush();
    }

    private static byte[] Record(byte kind, byte[] payload)
    {
        var rec = new byte[RecordingFormat.PrefixLength + payload.Length];
        rec[0] = kind;
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(rec.AsSpan(RecordingFormat.PrefixLength));
        uint crc = Crc32.Compute(rec.AsSpan(RecordingFormat.PrefixLength), Crc32.Compute(rec.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(8), crc);
        return rec;
    }

    private long NextStart(long start)
    {
        int i = Array.IndexOf(_recordStarts, start);
        return i + 1 < _recordStarts.Length ? _recordStarts[i + 1] : _original.Length;
    }

    private sealed record Outcome(int? Frames, RecordingEnd? End, Exception? Error);

    /// <summary>Reads a variant under a timeout; asserts it ends in a clear error or a clean prefix of the original frames.</summary>
    private Outcome Check(byte[] bytes, string what)
    {
        string path = _dir.File("variant.msgpack");
        File.WriteAllBytes(path, bytes);
        long before = GC.GetTotalAllocatedBytes(precise: false);
        var task = Task.Run(() =>
        {
            try
            {
                using var reader = RecordingReader.Open(path);
                var read = SampleSession.ReadAll(reader);
                reader.FrameOffsets();
                return new Outcome(read.Count, reader.End, null);
            }
            catch (Exception e)
            {
                return new Outcome(null, null, e);
            }
        });
        Assert.True(task.Wait(s_timeout), $"{what}: the reader did not finish within {s_timeout.TotalSeconds} s");
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
        Assert.True(allocated < 200 << 20, $"{what}: {allocated >> 20} MB allocated");
        var o = task.Result;
        if (o.Error is not null)
        {
            var e = Assert.IsType<RecordingFormatException>(o.Error);
            Assert.StartsWith($"{path}: at byte ", e.Message);
            return o;
        }
        Assert.NotNull(o.End);
        Assert.InRange(o.Frames!.Value, 0, _frames.Count);
        // What was read is exactly the original's first frames (fresh read, compared in full).
        using var again = RecordingReader.Open(path);
        var read = SampleSession.ReadAll(again);
        for (int i = 0; i < read.Count; i++)
        {
            Assert.Equal(_frames[i].Image, read[i].Image);
            Assert.Equal(_frames[i].Labels, read[i].Labels);
            Assert.Equal(_frames[i].GroundTruth, read[i].GroundTruth);
            Assert.Equal(_frames[i].Timestamp, read[i].Timestamp);
        }
        return o;
    }
}
