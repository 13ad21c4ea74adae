namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>Slices cut from a volume already in memory (data sets: random access, every slice many times).</summary>
internal sealed class NiftiMemorySlices(byte[] data, NiftiSliceLayout layout) : INiftiSlices
{
    public byte[] Data => data;

    public void ReadRaw(int index, Span<byte> raw)
    {
        int b = layout.Bytes;
        if (layout.Contiguous)
        {
            data.AsSpan((int)(layout.RowStart(index, 0) * b), (int)layout.SliceBytes).CopyTo(raw);
            return;
        }
        int w = 0;
        for (int row = 0; row < layout.Height; row++)
        {
            long voxel = layout.RowStart(index, row);
            for (int col = 0; col < layout.Width; col++, w += b, voxel += layout.ColumnStride)
                data.AsSpan((int)(voxel * b), b).CopyTo(raw[w..]);
        }
    }

    public void Dispose() { }
}
