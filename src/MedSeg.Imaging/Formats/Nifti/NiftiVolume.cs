using System.Buffers.Binary;
using System.IO.Compression;
using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>One 3-D volume of a NIfTI-1 file (<c>.nii</c> or <c>.nii.gz</c>) cut into slices along x, y or z.</summary>
/// <remarks>
/// Memory: <see cref="Open"/> reads the chosen volume once into one array (limit <c>maxBytes</c>)
/// for random access (data sets); <see cref="OpenStreaming"/> reads each slice from the file when
/// it is asked for (a .nii by offset, a .nii.gz along z by decompressing forward), so a stream
/// that stops after a few frames costs a few slices. Either way a slice is decoded into a reused
/// scratch buffer, and before anything large is allocated the declared size is checked against
/// the file (or, for gzip, the stream's recorded length) and the limits.
/// Geometry: slices are in index order, no reorientation (qform/sform are not applied): along z
/// a slice is x (columns) × y (rows); along y, x × z; along x, y × z; row 0 is index 0.
/// Format: scl_slope/scl_inter applied; integer data stays 16-bit when every value fits, else Float32.
/// Streaming cannot look at every value first: there an integer rescale that could leave 16 bits
/// gives Float32 (exact) rather than a pass over the whole file.
/// </remarks>
public sealed class NiftiVolume : ISliceStack
{
    public const long DefaultMaxBytes = 1L << 30;

    private readonly INiftiSlices _slices;
    private readonly byte[] _scratch;
    private readonly SampleType _type;
    private readonly int _bytes, _axis;
    private readonly string _path;
    private readonly FrameGeometry[] _geometry;

    private NiftiVolume(string path, NiftiHeader header, INiftiSlices slices, int axis, int volume, NiftiAffine affine)
    {
        Affine = affine;
        _path = path;
        Header = header;
        _slices = slices;
        _axis = axis;
        _type = header.SampleType(path);
        _bytes = SampleDecoder.BytesPerSample(_type);
        var d = header.Dims;
        (Width, Height, Count) = axis switch
        {
            0 => (d[1], d[2], d[0]),
            1 => (d[0], d[2], d[1]),
            _ => (d[0], d[1], d[2]),
        };
        _scratch = new byte[(long)Width * Height * _bytes];
        Format = ChooseFormat(header, _type, _bytes, slices);
        if (header.CalMax > header.CalMin && float.IsFinite(header.CalMin) && float.IsFinite(header.CalMax))
            Window = new DisplayWindow((header.CalMin + header.CalMax) / 2.0, header.CalMax - header.CalMin);
        Description = $"NIfTI {Path.GetFileName(path)} {d[0]}×{d[1]}×{d[2]} {NiftiHeader.DatatypeName(header.Datatype)}" +
                      $"{(header.Volumes > 1 ? $" volume {volume}/{header.Volumes}" : "")} along {"xyz"[axis]} → {Width}×{Height}×{Count} {Format}";
        _geometry = SliceGeometry(path, affine, axis, Count);
    }

    /// <summary>The file's voxel-to-world transform (sform, else qform, else pixdim).</summary>
    public NiftiAffine Affine { get; }

    public NiftiHeader Header { get; }
    public string Description { get; }
    public int Count { get; }
    public int Width { get; }
    public int Height { get; }
    public PixelFormat Format { get; }
    public DisplayWindow? Window { get; }
    public IReadOnlyList<SkippedItem> Skipped { get; } = [];

    /// <summary>Reads volume <paramref name="volume"/> of <paramref name="path"/>, to be sliced along axis 0 (x), 1 (y) or 2 (z).</summary>
    /// <exception cref="MedicalFormatException">Not NIfTI-1, unsupported datatype, truncated, or larger than <paramref name="maxBytes"/>.</exception>
    public static NiftiVolume Open(string path, int axis = 2, int volume = 0, long maxBytes = DefaultMaxBytes) =>
        Open(path, axis, volume, maxBytes, streaming: false);

    /// <summary>
    /// Like <see cref="Open"/>, with every check made before the first slice, but slices are read
    /// from the file as they are asked for (a .nii.gz along x or y is read whole: each of its
    /// slices spans the whole volume). For sources that read each slice once, in order.
    /// </summary>
    public static NiftiVolume OpenStreaming(string path, int axis = 2, int volume = 0, long maxBytes = DefaultMaxBytes) =>
        Open(path, axis, volume, maxBytes, streaming: true);

    private static NiftiVolume Open(string path, int axis, int volume, long maxBytes, bool streaming)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(axis);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(axis, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(volume);
        if (Core.Limits.InputFiles.Problem(path) is { } notAFile) throw new MedicalFormatException(path, notAFile);
        bool gz = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
            long available = gz ? GzipLength(file) : file.Length;
            using Stream stream = gz ? new GzipIntegrity(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true)) : file;
            var head = new byte[NiftiHeader.Size];
            int got = ReadUpTo(stream, head);
            var header = NiftiHeader.Parse(head.AsSpan(0, got), path);
            var type = header.SampleType(path);
            int bytes = SampleDecoder.BytesPerSample(type);
            if (header.BitPix != 8 * bytes) throw new MedicalFormatException(path, $"bitpix {header.BitPix} does not match datatype {NiftiHeader.DatatypeName(header.Datatype)}", 72);
            if (volume >= header.Volumes) throw new MedicalFormatException(path, $"volume {volume} requested but the file holds {header.Volumes}");
            long volumeBytes = header.VolumeVoxels * bytes;
            if (volumeBytes > maxBytes) throw new MedicalFormatException(path, $"one volume takes {volumeBytes} bytes, more than the {maxBytes}-byte limit");
            // Caps before the volume is allocated: the slice this axis cuts, and the slice count.
            var limits = Core.Limits.InputLimits.Current;
            var d = header.Dims;
            var (sw, sh, count) = axis switch { 0 => (d[1], d[2], d[0]), 1 => (d[0], d[2], d[1]), _ => (d[0], d[1], d[2]) };
            if (limits.ImageProblem(sw, sh, bytes) is { } slice) throw new MedicalFormatException(path, $"a slice along {"xyz"[axis]}: {slice}", 42);
            if (limits.FramesProblem(count) is { } slices) throw new MedicalFormatException(path, $"slices along {"xyz"[axis]}: {slices}", 42);
            if (limits.VolumeProblem(volumeBytes) is { } big) throw new MedicalFormatException(path, big, 42);
            long start = header.VoxOffset + volume * volumeBytes;
            if (available >= 0 && start + volumeBytes < 1L << 32 && start + volumeBytes > available)
                throw new MedicalFormatException(path, $"truncated: volume {volume} needs {volumeBytes} bytes from offset {start} but the {(gz ? "decompressed data ends" : "file ends")} at {available}", Math.Min(available, start));
            // Every volume the header claims must be there, not only the one read: a file cut after
            // its first volume is damaged even when volume 0 reads (ISIZE is mod 2^32: checked below that).
            double total = header.VoxOffset + (double)header.Volumes * volumeBytes;
            if (available >= 0 && (!gz || total < 1L << 32) && total > available)
                throw new MedicalFormatException(path, $"truncated: the header's {header.Volumes} volume(s) need {total:0} bytes from the start but the {(gz ? "decompressed data ends" : "file ends")} at {available}", available);
            var layout = new NiftiSliceLayout(d[0], d[1], d[2], axis, bytes);
            var affine = NiftiAffine.Read(head, header);
            if (streaming && !gz) return new NiftiVolume(path, header, new NiftiFileSlices(path, start, layout), axis, volume, affine);
            if (streaming && axis == 2) return new NiftiVolume(path, header, new NiftiGzipSlices(path, start, layout), axis, volume, affine);
            Skip(stream, start - NiftiHeader.Size, path);
            var data = new byte[volumeBytes];
            int read = ReadUpTo(stream, data);
            if (read < data.Length) throw new MedicalFormatException(path, $"truncated: the data of volume {volume} stops after {read} of {volumeBytes} bytes", start + read);
            if (stream is GzipIntegrity checkedGzip) checkedGzip.VerifyToEnd(path, file);
            return new NiftiVolume(path, header, new NiftiMemorySlices(data, layout), axis, volume, affine);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new MedicalFormatException(path, $"cannot read{(gz ? " (gzip)" : "")}: {e.Message}", null, e);
        }
    }

    public string NameOf(int index) => $"{_path} {"xyz"[_axis]}={index}";

    public void Read(int index, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        _slices.ReadRaw(index, _scratch);
        SampleDecoder.Decode(_scratch, Width * Height, _type, Header.BigEndian, 8 * _bytes, Header.Rescale, Format, destination);
    }

    public FrameGeometry GeometryOf(int index) => _geometry[index];

    public void Dispose() => _slices.Dispose();

    // From the actual values when they are in memory; streamed, from the range the sample type
    // allows (an integer rescale that could leave 16 bits then gives Float32, which holds it exactly).
    private static PixelFormat ChooseFormat(NiftiHeader header, SampleType type, int bytes, INiftiSlices slices)
    {
        var (min, max) = slices is NiftiMemorySlices memory
            ? SampleDecoder.Range(memory.Data, memory.Data.Length / bytes, type, header.BigEndian, 8 * bytes)
            : SampleDecoder.TheoreticalRange(type, 8 * bytes);
        return header.Rescale.ChooseFormat(type, min, max);
    }

    // Which voxel axis runs along a slice's columns, its rows, and across slices (see Read).
    private static (int Column, int Row, int Slice) Axes(int axis) => axis switch { 0 => (1, 2, 0), 1 => (0, 2, 1), _ => (0, 1, 2) };

    private static FrameGeometry[] SliceGeometry(string path, NiftiAffine affine, int axis, int count)
    {
        var (c, r, k) = Axes(axis);
        Vec3 colStep = affine.AxisLps(c), rowStep = affine.AxisLps(r), sliceStep = affine.AxisLps(k);
        var template = new FrameGeometry
        {
            IsKnown = true, Note = $"NIfTI {affine.Source}",
            ColumnSpacing = colStep.Length, RowSpacing = rowStep.Length, SliceSpacing = sliceStep.Length,
            RowDirection = colStep.Unit(), ColumnDirection = rowStep.Unit(), SliceDirection = sliceStep.Unit(),
            VolumeId = Path.GetFullPath(path), SliceCount = count,
        };
        var result = new FrameGeometry[count];
        Span<double> voxel = stackalloc double[3];
        for (int s = 0; s < count; s++)
        {
            voxel.Clear();
            voxel[k] = s;
            result[s] = template with { SliceIndex = s, Origin = affine.PointLps(voxel[0], voxel[1], voxel[2]) };
        }
        return result;
    }

    private static int ReadUpTo(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static void Skip(Stream s, long count, string path)
    {
        Span<byte> sink = stackalloc byte[4096];
        long at = NiftiHeader.Size;
        while (count > 0)
        {
            int n = s.Read(sink[..(int)Math.Min(sink.Length, count)]);
            if (n == 0) throw new MedicalFormatException(path, "file ends before vox_offset (truncated)", at);
            (count, at) = (count - n, at + n);
        }
    }

    // gzip records the uncompressed length mod 2^32 in its last 4 bytes (ISIZE). It lets a lying
    // header be refused before a large array is allocated; -1 (unknown) when it cannot be trusted.
    private static long GzipLength(FileStream file)
    {
        if (file.Length < 18) return -1;
        Span<byte> tail = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(tail);
        file.Position = 0;
        uint isize = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        // Past 4 GiB the field wraps; larger declared sizes are then checked while reading.
        return isize == 0 ? -1 : isize;
    }
}
