using System.Buffers.Binary;
using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats;

/// <summary>Turns stored samples (any endianness, any bits stored) into frame pixels, applying a <see cref="Rescale"/>.</summary>
/// <remarks>
/// The caller has already chosen <c>format</c> with <see cref="Rescale.ChooseFormat"/> so that every
/// value fits; the decoder never clamps. Integer outputs are rounded (they are exact for integer rescales).
/// </remarks>
public static class SampleDecoder
{
    public static int BytesPerSample(SampleType type) => type switch
    {
        SampleType.UInt8 or SampleType.Int8 => 1,
        SampleType.UInt16 or SampleType.Int16 => 2,
        SampleType.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown sample type"),
    };

    /// <summary>The range a sample can take: for DICOM, <paramref name="bitsStored"/> may be less than the allocated bits.</summary>
    public static (double Min, double Max) TheoreticalRange(SampleType type, int bitsStored) => type switch
    {
        SampleType.UInt8 or SampleType.UInt16 => (0, Math.Pow(2, bitsStored) - 1),
        SampleType.Int8 or SampleType.Int16 => (-Math.Pow(2, bitsStored - 1), Math.Pow(2, bitsStored - 1) - 1),
        _ => (float.MinValue, float.MaxValue),
    };

    /// <summary>Smallest and largest stored value (before rescale) of <paramref name="count"/> samples.</summary>
    public static (double Min, double Max) Range(ReadOnlySpan<byte> source, int count, SampleType type, bool bigEndian, int bitsStored)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < count; i++)
        {
            double v = Read(source, i, type, bigEndian, bitsStored);
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }

    /// <summary>Decodes <paramref name="count"/> samples into <paramref name="destination"/> as <paramref name="format"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> source, int count, SampleType type, bool bigEndian, int bitsStored,
                              Rescale rescale, PixelFormat format, Span<byte> destination)
    {
        int inBytes = BytesPerSample(type), outBytes = format.BytesPerPixel();
        if (source.Length < count * inBytes) throw new ArgumentException($"source holds {source.Length} bytes, {count * inBytes} needed", nameof(source));
        if (destination.Length < count * outBytes) throw new ArgumentException($"destination holds {destination.Length} bytes, {count * outBytes} needed", nameof(destination));
        if (IsVerbatim(type, bigEndian, bitsStored, rescale, format))
        {
            source[..(count * inBytes)].CopyTo(destination);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            double v = rescale.Apply(Read(source, i, type, bigEndian, bitsStored));
            switch (format)
            {
                case PixelFormat.Gray8: destination[i] = (byte)Math.Round(v); break;
                case PixelFormat.Gray16: BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], (ushort)Math.Round(v)); break;
                case PixelFormat.Int16: BinaryPrimitives.WriteInt16LittleEndian(destination[(2 * i)..], (short)Math.Round(v)); break;
                case PixelFormat.Float32: BinaryPrimitives.WriteSingleLittleEndian(destination[(4 * i)..], (float)v); break;
                default: throw new ArgumentOutOfRangeException(nameof(format), format, "only grey formats are decoded from samples");
            }
        }
    }

    // The common case (little-endian file, all bits used, no rescale) is one memcpy per slice.
    private static bool IsVerbatim(SampleType type, bool bigEndian, int bitsStored, Rescale rescale, PixelFormat format) =>
        rescale.IsIdentity && (!bigEndian || type is SampleType.UInt8 or SampleType.Int8) && bitsStored == 8 * BytesPerSample(type) &&
        (type, format) is (SampleType.UInt8, PixelFormat.Gray8) or (SampleType.UInt16, PixelFormat.Gray16)
                       or (SampleType.Int16, PixelFormat.Int16) or (SampleType.Float32, PixelFormat.Float32);

    private static double Read(ReadOnlySpan<byte> s, int i, SampleType type, bool bigEndian, int bitsStored)
    {
        switch (type)
        {
            case SampleType.UInt8: return s[i] & Mask(bitsStored);
            case SampleType.Int8: return SignExtend(s[i], bitsStored);
            case SampleType.UInt16:
            {
                var raw = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]);
                return raw & Mask(bitsStored);
            }
            case SampleType.Int16:
            {
                var raw = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s[(2 * i)..]) : BinaryPrimitives.ReadUInt16LittleEndian(s[(2 * i)..]);
                return SignExtend(raw, bitsStored);
            }
            default:
                return bigEndian ? BinaryPrimitives.ReadSingleBigEndian(s[(4 * i)..]) : BinaryPrimitives.ReadSingleLittleEndian(s[(4 * i)..]);
        }
    }

    private static int Mask(int bits) => bits >= 31 ? -1 : (1 << bits) - 1;

    // DICOM signed data with Bits Stored < Bits Allocated keeps its sign in bit (Bits Stored − 1);
    // the bits above may hold overlays or garbage, so they are replaced, not trusted.
    private static int SignExtend(int raw, int bits)
    {
        int v = raw & Mask(bits);
        int sign = 1 << (bits - 1);
        return (v ^ sign) - sign;
    }
}
