namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>Where the voxels of one slice lie in a volume: per slice row, a start voxel and a stride between columns.</summary>
/// <remarks>
/// NIfTI stores x fastest, then y, then z. Along z a slice is x × y and one contiguous block;
/// along y it is x × z, one contiguous row of x per z; along x it is y × z, its columns nx voxels apart.
/// </remarks>
internal readonly record struct NiftiSliceLayout(int Nx, int Ny, int Nz, int Axis, int Bytes)
{
    public int Width => Axis == 0 ? Ny : Nx;

    public int Height => Axis == 2 ? Ny : Nz;

    public int Count => Axis switch { 0 => Nx, 1 => Ny, _ => Nz };

    public long SliceBytes => (long)Width * Height * Bytes;

    /// <summary>Voxels between two neighbouring columns of a slice row.</summary>
    public long ColumnStride => Axis == 0 ? Nx : 1;

    /// <summary>The voxel (from the volume's start) of column 0 of <paramref name="row"/> of slice <paramref name="index"/>.</summary>
    public long RowStart(int index, int row) => Axis switch
    {
        0 => index + (long)Nx * Ny * row,
        1 => (long)Nx * (index + (long)Ny * row),
        _ => (long)Nx * (row + (long)Ny * index),
    };

    /// <summary>True when the whole slice is one run of bytes (along z).</summary>
    public bool Contiguous => Axis == 2;
}
