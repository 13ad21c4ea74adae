using System.Runtime.InteropServices;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Nifti;
using MedSeg.Imaging.Tests.Io;

namespace MedSeg.Imaging.Tests.Formats;

public sealed class NiftiVolumeTests : IDisposable
{
    // 4 × 3 × 2 voxels; the value of (i, j, k) encodes its index so any slicing error shows.
    private const int Nx = 4, Ny = 3, Nz = 2;
    private static readonly int[] s_values = Enumerable.Range(0, Nx * Ny * Nz).Select(v => v * 100 - 700).ToArray();
    private readonly TempDirectory _dir = new();

    private static int At(int i, int j, int k) => s_values[i + Nx * (j + Ny * k)];

    [Theory]
    [InlineData("vol.nii", false)]
    [InlineData("vol.nii.gz", false)]
    [InlineData("big.nii", true)]
    public void Open_Int16AlongZ_SlicesMatchTheVoxels(string name, bool bigEndian)
    {
        string file = NiftiWriter.Write(_dir.Combine(name), NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(s_values, bigEndian), bigEndian: bigEndian));

        using var volume = NiftiVolume.Open(file);

        Assert.Equal((Nx, Ny, Nz, PixelFormat.Int16), (volume.Width, volume.Height, volume.Count, volume.Format));
        Assert.Equal(Enumerable.Range(0, Nx * Ny).Select(p => (short)At(p % Nx, p / Nx, 1)), Slice16(volume, 1));
        Assert.Equal(bigEndian, volume.Header.BigEndian);
    }

    [Fact]
    public void Open_AlongXAndY_CutsTheOtherPlanes()
    {
        string file = NiftiWriter.Write(_dir.Combine("v.nii"), NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(s_values)));

        using var sagittal = NiftiVolume.Open(file, axis: 0);
        using var coronal = NiftiVolume.Open(file, axis: 1);

        Assert.Equal((Ny, Nz, Nx), (sagittal.Width, sagittal.Height, sagittal.Count));
        Assert.Equal(Enumerable.Range(0, Ny * Nz).Select(p => (short)At(2, p % Ny, p / Ny)), Slice16(sagittal, 2));
        Assert.Equal((Nx, Nz, Ny), (coronal.Width, coronal.Height, coronal.Count));
        Assert.Equal(Enumerable.Range(0, Nx * Nz).Select(p => (short)At(p % Nx, 1, p / Nx)), Slice16(coronal, 1));
        Assert.EndsWith("x=2", sagittal.NameOf(2));
    }

    [Fact]
    public void Open_IntegerScaling_StaysInt16WithScaledValues()
    {
        string file = NiftiWriter.Write(_dir.Combine("s.nii"), NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(s_values), slope: 2, inter: -10));

        using var volume = NiftiVolume.Open(file);

        Assert.Equal(PixelFormat.Int16, volume.Format);
        Assert.Equal(Enumerable.Range(0, Nx * Ny).Select(p => (short)(2 * At(p % Nx, p / Nx, 0) - 10)), Slice16(volume, 0));
    }

    [Fact]
    public void Open_FractionalScalingOnUInt8_BecomesFloat32()
    {
        var bytes = Enumerable.Range(0, Nx * Ny * Nz).Select(v => (byte)(v * 10)).ToArray();
        string file = NiftiWriter.Write(_dir.Combine("u8.nii.gz"), NiftiWriter.Build([Nx, Ny, Nz], 2, 8, bytes, slope: 0.5f, inter: 1));

        using var volume = NiftiVolume.Open(file);
        var slice = new byte[Nx * Ny * 4];
        volume.Read(1, slice);

        Assert.Equal(PixelFormat.Float32, volume.Format);
        Assert.Equal(bytes[(Nx * Ny)..].Select(b => b * 0.5f + 1), MemoryMarshal.Cast<byte, float>(slice).ToArray());
    }

    [Fact]
    public void Open_Float32WithCalRange_KeepsFloatsAndWindow()
    {
        var floats = Enumerable.Range(0, Nx * Ny * Nz).Select(v => v / 3f).ToArray();
        string file = NiftiWriter.Write(_dir.Combine("f.nii"), NiftiWriter.Build([Nx, Ny, Nz], 16, 32, MemoryMarshal.AsBytes(floats.AsSpan()).ToArray(), calMin: 0, calMax: 4));

        using var volume = NiftiVolume.Open(file);
        var slice = new byte[Nx * Ny * 4];
        volume.Read(0, slice);

        Assert.Equal(PixelFormat.Float32, volume.Format);
        Assert.Equal(floats[..(Nx * Ny)], MemoryMarshal.Cast<byte, float>(slice).ToArray());
        Assert.Equal(new DisplayWindow(2, 4), volume.Window);
    }

    [Fact]
    public void Open_UnsupportedDatatype_NamesIt()
    {
        string file = NiftiWriter.Write(_dir.Combine("d.nii"), NiftiWriter.Build([Nx, Ny, Nz], 64, 64, new byte[Nx * Ny * Nz * 8]));

        var e = Assert.Throws<MedicalFormatException>(() => NiftiVolume.Open(file));

        Assert.Contains("64 (float64)", e.Message);
        Assert.Contains("d.nii", e.Message);
    }

    [Theory]
    [InlineData("t.nii")]
    [InlineData("t.nii.gz")]
    public void Open_Truncated_NamesFileAndOffset(string name)
    {
        var full = NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(s_values));
        string file = NiftiWriter.Write(_dir.Combine(name), full[..(full.Length - 5)]);

        var e = Assert.Throws<MedicalFormatException>(() => NiftiVolume.Open(file));

        Assert.Contains("truncated", e.Message);
        Assert.Contains(name, e.Message);
        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void Open_LyingDimensions_RefusedBeforeAllocating()
    {
        // Claims 30000³ int16 voxels (54 GB) in a 400-byte file.
        string file = NiftiWriter.Write(_dir.Combine("huge.nii"), NiftiWriter.Build([30000, 30000, 30000], 4, 16, new byte[48]));
        Assert.Contains("limit", Assert.Throws<MedicalFormatException>(() => NiftiVolume.Open(file)).Message);
    }

    [Theory]
    [InlineData(540, "n+2", "NIfTI-2")]
    [InlineData(123, "n+1", "sizeof_hdr")]
    [InlineData(348, "ni1", ".hdr/.img")]
    public void Open_NotSingleFileNifti1_SaysWhat(int sizeofHdr, string magic, string message)
    {
        string file = NiftiWriter.Write(_dir.Combine("x.nii"), NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(s_values), magic: magic, sizeofHdr: sizeofHdr));
        Assert.Contains(message, Assert.Throws<MedicalFormatException>(() => NiftiVolume.Open(file)).Message);
    }

    [Fact]
    public void Open_FourDimensional_ReadsTheChosenVolume()
    {
        var values = Enumerable.Range(0, Nx * Ny * Nz * 2).ToArray();
        string file = NiftiWriter.Write(_dir.Combine("t4.nii"), NiftiWriter.Build([Nx, Ny, Nz, 2], 4, 16, NiftiWriter.Int16s(values)));

        using var second = NiftiVolume.Open(file, volume: 1);

        Assert.Equal(values.Skip(Nx * Ny * Nz).Take(Nx * Ny).Select(v => (short)v), Slice16(second, 0));
    }

    private static short[] Slice16(NiftiVolume volume, int index)
    {
        var bytes = new byte[volume.Width * volume.Height * 2];
        volume.Read(index, bytes);
        return MemoryMarshal.Cast<byte, short>(bytes).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
