using System.Buffers.Binary;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// The 72-byte header (version 1) that opens an OpenIGTLink IMAGE body: version u16, components
/// u8, scalar type u8, endian u8, coordinate u8, size u16[3], matrix f32[12] (column direction ×
/// spacing, row direction × spacing, normal × spacing, centre), sub-volume offset u16[3] and size u16[3]; all big-endian.
/// </summary>
public sealed record IgtlImageHeader
{
    public const int Length = 72;
    public const byte Int8 = 2, UInt8 = 3, Int16 = 4, UInt16 = 5, Float32 = 10;
    public const byte EndianBig = 1, EndianLittle = 2;
    public const byte CoordinateRas = 1, CoordinateLps = 2;

    public ushort Version { get; init; } = 1;
    public byte Components { get; init; } = 1;
    public byte ScalarType { get; init; } = UInt8;
    public byte Endian { get; init; } = EndianLittle;
    public byte Coordinate { get; init; } = CoordinateRas;
    /// <summary>Whole image size (i, j, k).</summary>
    public required int[] Size { get; init; }
    public required float[] Matrix { get; init; }
    public int[] SubOffset { get; init; } = [0, 0, 0];
    /// <summary>Size of the pixels actually carried (the sub-volume).</summary>
    public required int[] SubSize { get; init; }

    public int ScalarBytes => ScalarType switch { Int8 or UInt8 => 1, Int16 or UInt16 => 2, Float32 => 4, 6 or 7 => 4, 11 => 8, _ => 0 };

    /// <summary>Bytes of pixel data that follow this header.</summary>
    public long PixelBytes => (long)SubSize[0] * SubSize[1] * SubSize[2] * Components * ScalarBytes;

    /// <summary>The frame format these pixels become, or null when unsupported (only 8/16-bit (and float32) scalars, 1 or 3 components).</summary>
    public PixelFormat? FrameFormat => (Components, ScalarType) switch
    {
        (1, UInt8) => PixelFormat.Gray8,
        (1, Int8 or Int16) => PixelFormat.Int16,
        (1, UInt16) => PixelFormat.Gray16,
        (1, Float32) => PixelFormat.Float32,
        (3, UInt8) => PixelFormat.Bgr24,
        _ => null,
    };

    /// <exception cref="InvalidDataException">The header is short or inconsistent.</exception>
    public static IgtlImageHeader Parse(ReadOnlySpan<byte> content)
    {
        if (content.Length < Length) throw new InvalidDataException($"IMAGE body is {content.Length} bytes, shorter than its {Length}-byte image header");
        var size = new int[3];
        var offset = new int[3];
        var sub = new int[3];
        var matrix = new float[12];
        for (int i = 0; i < 3; i++)
        {
            size[i] = BinaryPrimitives.ReadUInt16BigEndian(content[(6 + 2 * i)..]);
            offset[i] = BinaryPrimitives.ReadUInt16BigEndian(content[(60 + 2 * i)..]);
            sub[i] = BinaryPrimitives.ReadUInt16BigEndian(content[(66 + 2 * i)..]);
        }
        for (int i = 0; i < 12; i++) matrix[i] = BinaryPrimitives.ReadSingleBigEndian(content[(12 + 4 * i)..]);
        var header = new IgtlImageHeader
        {
            Version = BinaryPrimitives.ReadUInt16BigEndian(content),
            Components = content[2],
            ScalarType = content[3],
            Endian = content[4],
            Coordinate = content[5],
            Size = size,
            Matrix = matrix,
            SubOffset = offset,
            SubSize = sub,
        };
        for (int i = 0; i < 3; i++)
            if (sub[i] == 0 || offset[i] + sub[i] > size[i])
                throw new InvalidDataException($"sub-volume {string.Join("×", sub)} at {string.Join(",", offset)} does not fit the image {string.Join("×", size)}");
        if (header.ScalarBytes == 0) throw new InvalidDataException($"unknown scalar type {header.ScalarType}");
        if (header.Endian is not (EndianBig or EndianLittle)) throw new InvalidDataException($"unknown endian code {header.Endian}");
        return header;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Version);
        (destination[2], destination[3], destination[4], destination[5]) = (Components, ScalarType, Endian, Coordinate);
        for (int i = 0; i < 3; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(6 + 2 * i)..], (ushort)Size[i]);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(60 + 2 * i)..], (ushort)SubOffset[i]);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(66 + 2 * i)..], (ushort)SubSize[i]);
        }
        for (int i = 0; i < 12; i++) BinaryPrimitives.WriteSingleBigEndian(destination[(12 + 4 * i)..], Matrix[i]);
    }

    /// <summary>Copies slice <paramref name="k"/> of the carried pixels into frame layout: little-endian, BGR, int8 widened to Int16.</summary>
    public void CopySlice(ReadOnlySpan<byte> pixels, int k, Span<byte> destination)
    {
        int plane = SubSize[0] * SubSize[1];
        int bytes = plane * Components * ScalarBytes;
        var src = pixels.Slice(k * bytes, bytes);
        bool swap = Endian == EndianBig && ScalarBytes > 1;
        switch (FrameFormat)
        {
            case PixelFormat.Bgr24:
                for (int i = 0; i < plane; i++) (destination[3 * i], destination[3 * i + 1], destination[3 * i + 2]) = (src[3 * i + 2], src[3 * i + 1], src[3 * i]);
                break;
            case PixelFormat.Int16 when ScalarType == Int8:
                for (int i = 0; i < plane; i++) BinaryPrimitives.WriteInt16LittleEndian(destination[(2 * i)..], (sbyte)src[i]);
                break;
            case not null when swap:
                for (int i = 0; i < bytes; i += ScalarBytes)
                    for (int b = 0; b < ScalarBytes; b++) destination[i + b] = src[i + ScalarBytes - 1 - b];
                break;
            case not null:
                src.CopyTo(destination);
                break;
            default:
                throw new InvalidDataException($"{Components} component(s) of scalar type {ScalarType} cannot become a frame");
        }
    }
}
