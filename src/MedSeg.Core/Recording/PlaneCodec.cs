using K4os.Compression.LZ4;
using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// One image or mask inside a record: <c>{"enc", "w", "h", "fmt", "len", "data"}</c> where enc is
/// raw | lz4 (LZ4 block) | rle (<see cref="RunLength"/>) | png and len is the decoded byte count.
/// </summary>
internal static class PlaneCodec
{
    /// <summary>LZ4 is kept only when it saves at least 1/8; noisy ultrasound often does not compress.</summary>
    private const int PaysNumerator = 7, PaysDenominator = 8;

    public static void WriteImage(ref MessagePackWriter w, ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format,
                                  ImageEncoding encoding, IImageCodec? png, RecordBuffer scratch, Lz4Probe? probe)
    {
        if (encoding == ImageEncoding.Png && png!.CanEncode(format)) WritePng(ref w, pixels, width, height, format, png, scratch);
        else WriteRawOrLz4(ref w, pixels, width, height, format, scratch, probe);
    }

    public static void WriteMask(ref MessagePackWriter w, ReadOnlySpan<byte> ids, int width, int height,
                                 MaskEncoding encoding, IImageCodec? png, RecordBuffer scratch)
    {
        if (encoding == MaskEncoding.Png)
        {
            WritePng(ref w, ids, width, height, PixelFormat.Gray8, png!, scratch);
            return;
        }
        scratch.Clear();
        int n = RunLength.Encode(ids, scratch.GetSpan(RunLength.MaxEncodedLength(ids.Length)));
        Header(ref w, "rle"u8, width, height, PixelFormat.Gray8, ids.Length);
        w.Write(scratch.Array.AsSpan(0, n));
    }

    public static void WriteRawOrLz4(ref MessagePackWriter w, ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format,
                                     RecordBuffer scratch, Lz4Probe? probe = null)
    {
        if (probe is not null && !probe.ShouldTry())
        {
            Header(ref w, "raw"u8, width, height, format, pixels.Length);
            w.Write(pixels);
            return;
        }
        scratch.Clear();
        var target = scratch.GetSpan(LZ4Codec.MaximumOutputSize(pixels.Length));
        int n = LZ4Codec.Encode(pixels, target, LZ4Level.L00_FAST);
        bool pays = n > 0 && (long)n * PaysDenominator <= (long)pixels.Length * PaysNumerator;
        probe?.Record(pays);
        Header(ref w, pays ? "lz4"u8 : "raw"u8, width, height, format, pixels.Length);
        w.Write(pays ? target[..n] : pixels);
    }

    /// <summary>
    /// Remembers whether LZ4 paid for a stream of planes: after a plane that did not compress
    /// (speckle noise), the next <see cref="SkipAfterMiss"/> are stored raw without trying, then it
    /// tries again. Saves the compressor's time on incompressible streams.
    /// </summary>
    internal sealed class Lz4Probe
    {
        public const int SkipAfterMiss = 15;
        private int _skip;

        public bool ShouldTry()
        {
            if (_skip == 0) return true;
            _skip--;
            return false;
        }

        public void Record(bool paid) => _skip = paid ? 0 : SkipAfterMiss;
    }

    private static void WritePng(ref MessagePackWriter w, ReadOnlySpan<byte> pixels, int width, int height, PixelFormat format, IImageCodec png, RecordBuffer scratch)
    {
        scratch.Clear();
        png.Encode(pixels, width, height, format, scratch);
        Header(ref w, "png"u8, width, height, format, pixels.Length);
        w.Write(scratch.Written);
    }

    private static void Header(ref MessagePackWriter w, ReadOnlySpan<byte> enc, int width, int height, PixelFormat format, int length)
    {
        w.WriteMapHeader(6);
        w.WriteString("enc"u8);
        w.WriteString(enc);
        w.WriteString("w"u8);
        w.Write(width);
        w.WriteString("h"u8);
        w.Write(height);
        w.WriteString("fmt"u8);
        w.Write(format.Name());
        w.WriteString("len"u8);
        w.Write(length);
        w.WriteString("data"u8);
    }

    /// <summary>What a plane says about itself; <see cref="Data"/> is a slice of the payload.</summary>
    public ref struct Plane
    {
        public ReadOnlySpan<byte> Encoding;
        public int Width, Height, Length;
        public PixelFormat Format;
        public ReadOnlySpan<byte> Data;
    }

    /// <summary>Reads a plane's metadata and checks it against the limits (sizes agree, nothing absurd); decodes nothing.</summary>
    public static Plane Read(ref BoundedReader r, string what, RecordingReaderOptions o)
    {
        var p = new Plane { Format = (PixelFormat)(-1), Width = -1, Height = -1, Length = -1 };
        bool hasData = false;
        int n = r.EnterMap(what);
        for (int i = 0; i < n; i++)
        {
            var key = r.Utf8(what, " key");
            if (key.SequenceEqual("enc"u8)) p.Encoding = r.Utf8(what, ".enc");
            else if (key.SequenceEqual("w"u8)) p.Width = r.Int32(what, 1, o.MaxSide, ".w");
            else if (key.SequenceEqual("h"u8)) p.Height = r.Int32(what, 1, o.MaxSide, ".h");
            else if (key.SequenceEqual("len"u8)) p.Length = r.Int32(what, 0, o.MaxPlaneBytes, ".len");
            else if (key.SequenceEqual("fmt"u8))
            {
                var f = r.Utf8(what, ".fmt");
                if (!RecordingFormat.TryParsePixelFormat(f, out p.Format)) throw r.Bad($"{what}.fmt '{System.Text.Encoding.UTF8.GetString(f)}' is not a known pixel format");
            }
            else if (key.SequenceEqual("data"u8))
            {
                p.Data = r.Bin(what, ".data");
                hasData = true;
            }
            else r.Skip();
        }
        r.Leave();
        if (p.Encoding.IsEmpty || p.Width < 0 || p.Height < 0 || p.Length < 0 || !p.Format.IsDefined() || !hasData)
            throw r.Bad($"{what} lacks one of enc, w, h, fmt, len, data");
        long expected = (long)p.Width * p.Height * p.Format.BytesPerPixel();
        if (expected != p.Length) throw r.Bad($"{what}.len = {p.Length} but {p.Width}×{p.Height} {p.Format.Name()} is {expected} bytes");
        return p;
    }

    /// <summary>Decodes a plane into <paramref name="target"/> (exactly <see cref="Plane.Length"/> bytes).</summary>
    public static void Decode(in Plane p, Span<byte> target, string what, IImageCodec? png)
    {
        var enc = p.Encoding;
        if (enc.SequenceEqual("raw"u8))
        {
            if (p.Data.Length != p.Length) throw new InvalidDataException($"{what}: raw data has {p.Data.Length} bytes, expected {p.Length}");
            p.Data.CopyTo(target);
        }
        else if (enc.SequenceEqual("lz4"u8))
        {
            // An LZ4 block expands at most ~255×; a larger claim is corrupt, not a reason to allocate.
            if (p.Length > (long)p.Data.Length * 255 + 64) throw new InvalidDataException($"{what}: {p.Data.Length} LZ4 bytes cannot hold {p.Length}");
            int n = LZ4Codec.Decode(p.Data, target);
            if (n != p.Length) throw new InvalidDataException($"{what}: LZ4 data decodes to {(n < 0 ? "an error" : $"{n} bytes")}, expected {p.Length}");
        }
        else if (enc.SequenceEqual("rle"u8))
        {
            if (p.Format != PixelFormat.Gray8) throw new InvalidDataException($"{what}: run-length coding is for 8-bit masks, not {p.Format.Name()}");
            RunLength.Decode(p.Data, target);
        }
        else if (enc.SequenceEqual("png"u8))
        {
            if (png is null) throw new InvalidDataException($"{what} is PNG-encoded; reading it needs a PNG codec (RecordingReaderOptions.Png = MedSeg.Imaging.Recording.PngImageCodec)");
            png.Decode(p.Data, p.Width, p.Height, p.Format, target);
        }
        else throw new InvalidDataException($"{what}: unknown encoding '{System.Text.Encoding.UTF8.GetString(enc)}' (known: raw, lz4, rle, png)");
    }
}
