using Microsoft.Win32.SafeHandles;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>Slices of an uncompressed .nii read from the file when asked for: memory is one slice, time what is read.</summary>
/// <remarks>
/// Along z one read per slice, along y one per slice row; along x the columns are nx voxels apart:
/// one read spans a row's columns when that stride is short, else one read per voxel.
/// </remarks>
internal sealed class NiftiFileSlices : INiftiSlices
{
    // Widest column stride read as one span (the bytes between columns are read and dropped).
    private const int MaxSpannedStride = 64;

    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly long _start;
    private readonly NiftiSliceLayout _layout;
    private readonly byte[] _row;

    public NiftiFileSlices(string path, long start, NiftiSliceLayout layout)
    {
        (_path, _start, _layout) = (path, start, layout);
        long stride = layout.ColumnStride * layout.Bytes;
        _row = stride > layout.Bytes && stride <= MaxSpannedStride ? new byte[((layout.Width - 1) * layout.ColumnStride + 1) * layout.Bytes] : [];
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public void ReadRaw(int index, Span<byte> raw)
    {
        int b = _layout.Bytes;
        try
        {
            if (_layout.Contiguous)
            {
                ReadExactly(_start + _layout.RowStart(index, 0) * b, raw[..(int)_layout.SliceBytes]);
                return;
            }
            int rowBytes = _layout.Width * b;
            for (int row = 0; row < _layout.Height; row++)
            {
                long at = _start + _layout.RowStart(index, row) * b;
                var dest = raw.Slice(row * rowBytes, rowBytes);
                if (_layout.ColumnStride == 1) ReadExactly(at, dest);
                else if (_row.Length > 0) Gather(at, dest);
                else
                    for (int col = 0; col < _layout.Width; col++)
                        ReadExactly(at + col * _layout.ColumnStride * b, dest.Slice(col * b, b));
            }
        }
        catch (IOException e)
        {
            throw new MedicalFormatException(_path, $"cannot read: {e.Message}", null, e);
        }
    }

    public void Dispose() => _file.Dispose();

    private void Gather(long at, Span<byte> dest)
    {
        int b = _layout.Bytes;
        ReadExactly(at, _row);
        long stride = _layout.ColumnStride * b;
        for (int col = 0; col < _layout.Width; col++) _row.AsSpan((int)(col * stride), b).CopyTo(dest[(col * b)..]);
    }

    private void ReadExactly(long offset, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = RandomAccess.Read(_file, buffer[total..], offset + total);
            // The length was checked at open; a file cut since then is named here.
            if (n == 0) throw new MedicalFormatException(_path, $"truncated: the file ends at byte {offset + total}, inside a slice", offset + total);
            total += n;
        }
    }
}
