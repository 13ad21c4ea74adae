using System.Buffers.Binary;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>The fields of a NIfTI-1 header (348 bytes) that a slice player needs.</summary>
/// <remarks>Byte order is detected from sizeof_hdr, which must read 348 one way or the other.</remarks>
public sealed record NiftiHeader
{
    public const int Size = 348;

    /// <summary>dim[1..7]: voxels along x, y, z, t, … (1 beyond dim[0]).</summary>
    public required int[] Dims { get; init; }
    /// <summary>dim[0]: how many of <see cref="Dims"/> are meaningful.</summary>
    public required int Rank { get; init; }
    public required short Datatype { get; init; }
    public required short BitPix { get; init; }
    public required float[] PixDims { get; init; }
    public required long VoxOffset { get; init; }
    public required Rescale Rescale { get; init; }
    public required bool BigEndian { get; init; }
    public float CalMin { get; init; }
    public float CalMax { get; init; }

    /// <summary>Voxels in one 3-D volume (x × y × z).</summary>
    public long VolumeVoxels => (long)Dims[0] * Dims[1] * Dims[2];

    /// <summary>3-D volumes in the file (product of dims 4..7).</summary>
    public long Volumes => (long)Dims[3] * Dims[4] * Dims[5] * Dims[6];

    public static string DatatypeName(int code) => code switch
    {
        2 => "uint8", 4 => "int16", 8 => "int32", 16 => "float32", 32 => "complex64", 64 => "float64",
        128 => "rgb24", 256 => "int8", 512 => "uint16", 768 => "uint32", 1024 => "int64", 1280 => "uint64",
        1536 => "float128", 1792 => "complex128", 2048 => "complex256", 2304 => "rgba32", _ => "unknown",
    };

    /// <summary>The sample type of a supported datatype.</summary>
    /// <exception cref="MedicalFormatException">Any datatype other than uint8, int8, int16, uint16, float32.</exception>
    public SampleType SampleType(string path) => Datatype switch
    {
        2 => Formats.SampleType.UInt8,
        256 => Formats.SampleType.Int8,
        4 => Formats.SampleType.Int16,
        512 => Formats.SampleType.UInt16,
        16 => Formats.SampleType.Float32,
        _ => throw new MedicalFormatException(path, $"NIfTI datatype {Datatype} ({DatatypeName(Datatype)}) is not supported; supported: uint8, int8, int16, uint16, float32", 70),
    };

    /// <exception cref="MedicalFormatException">Not a single-file NIfTI-1 header, or inconsistent fields.</exception>
    public static NiftiHeader Parse(ReadOnlySpan<byte> h, string path)
    {
        if (h.Length < Size) throw new MedicalFormatException(path, $"file ends after {h.Length} bytes, inside the 348-byte NIfTI-1 header (truncated)", h.Length);
        int le = BinaryPrimitives.ReadInt32LittleEndian(h), be = BinaryPrimitives.ReadInt32BigEndian(h);
        if (le == 540 || be == 540) throw new MedicalFormatException(path, "NIfTI-2 (540-byte header) is not supported, only NIfTI-1", 0);
        if (le != Size && be != Size) throw new MedicalFormatException(path, $"not a NIfTI-1 file: sizeof_hdr is {le}, not 348 in either byte order", 0);
        bool big = be == Size;
        var magic = h.Slice(344, 4);
        if (magic.SequenceEqual("ni1\0"u8)) throw new MedicalFormatException(path, "a .hdr/.img pair (magic \"ni1\") is not supported; convert to a single .nii file", 344);
        if (!magic.SequenceEqual("n+1\0"u8)) throw new MedicalFormatException(path, "magic is not \"n+1\" (not a single-file NIfTI-1; ANALYZE 7.5 is not supported)", 344);

        int rank = S(h, 40, big);
        if (rank is < 1 or > 7) throw new MedicalFormatException(path, $"dim[0] = {rank} is outside 1..7", 40);
        var dims = new int[7];
        for (int i = 0; i < 7; i++)
        {
            dims[i] = i < rank ? S(h, 42 + 2 * i, big) : 1;
            if (dims[i] < 1) throw new MedicalFormatException(path, $"dim[{i + 1}] = {dims[i]} is not positive", 42 + 2 * i);
        }
        var pixdims = new float[8];
        for (int i = 0; i < 8; i++) pixdims[i] = F(h, 76 + 4 * i, big);
        short datatype = S(h, 70, big), bitpix = S(h, 72, big);
        float vox = F(h, 108, big);
        if (!float.IsFinite(vox) || vox < Size + 4 || vox != MathF.Floor(vox) || vox > int.MaxValue)
            throw new MedicalFormatException(path, $"vox_offset {vox} is not a whole byte offset ≥ 352", 108);
        float slope = F(h, 112, big), inter = F(h, 116, big);
        // scl_slope 0 (or NaN) means "no scaling" in NIfTI-1.
        var rescale = slope == 0 || !float.IsFinite(slope) ? Formats.Rescale.Identity : new Rescale(slope, float.IsFinite(inter) ? inter : 0);
        return new NiftiHeader
        {
            Dims = dims, Rank = rank, Datatype = datatype, BitPix = bitpix, PixDims = pixdims, VoxOffset = (long)vox,
            Rescale = rescale, BigEndian = big, CalMax = F(h, 124, big), CalMin = F(h, 128, big),
        };
    }

    private static short S(ReadOnlySpan<byte> h, int at, bool big) =>
        big ? BinaryPrimitives.ReadInt16BigEndian(h[at..]) : BinaryPrimitives.ReadInt16LittleEndian(h[at..]);

    private static float F(ReadOnlySpan<byte> h, int at, bool big) =>
        big ? BinaryPrimitives.ReadSingleBigEndian(h[at..]) : BinaryPrimitives.ReadSingleLittleEndian(h[at..]);
}
