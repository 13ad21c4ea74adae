using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Nifti;
using MedSeg.Imaging.Tests.Io;

namespace MedSeg.Imaging.Tests.Formats;

/// <summary>
/// NiftiVolume.OpenStreaming: the same slices as Open, read from the file as they are asked for,
/// so a stream that stops early neither holds nor reads the rest; gzip integrity still checked
/// when the whole file is read.
/// </summary>
public sealed class NiftiStreamingTests : IDisposable
{
    private const int Nx = 7, Ny = 5, Nz = 6;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("v.nii", 0)]
    [InlineData("v.nii", 1)]
    [InlineData("v.nii", 2)]
    [InlineData("v.nii.gz", 0)]
    [InlineData("v.nii.gz", 2)]
    [InlineData("u8.nii", 0)]   // a one-byte column stride: read as one span per row
    public void OpenStreaming_EverySliceInAnyOrder_EqualsOpen(string name, int axis)
    {
        bool u8 = name.StartsWith("u8", StringComparison.Ordinal);
        var values = Enumerable.Range(0, Nx * Ny * Nz).Select(v => u8 ? v % 251 : v * 37 - 900).ToArray();
        byte[] data = u8 ? values.Select(v => (byte)v).ToArray() : NiftiWriter.Int16s(values);
        string file = NiftiWriter.Write(_dir.Combine(name), NiftiWriter.Build([Nx, Ny, Nz], (short)(u8 ? 2 : 4), (short)(u8 ? 8 : 16), data));

        using var whole = NiftiVolume.Open(file, axis);
        using var streamed = NiftiVolume.OpenStreaming(file, axis);

        Assert.Equal((whole.Width, whole.Height, whole.Count, whole.Format), (streamed.Width, streamed.Height, streamed.Count, streamed.Format));
        // In order, then backwards (a loop or cine goes back).
        int[] order = [.. Enumerable.Range(0, whole.Count), .. Enumerable.Range(0, whole.Count).Reverse()];
        foreach (int i in order) Assert.Equal(Slice(whole, i), Slice(streamed, i));
    }

    [Theory]
    [InlineData("big.nii")]
    [InlineData("big.nii.gz")]
    public void OpenStreaming_ThreeSlicesOfALargeVolume_AllocatesAboutThreeSlices(string name)
    {
        // 256 × 256 × 160 bytes (10 MiB): Open holds all of it, streaming one slice at a time.
        const int side = 256, slices = 160;
        string file = NiftiWriter.Write(_dir.Combine(name), NiftiWriter.Build([side, side, slices], 2, 8, new byte[side * side * slices]));
        var buffer = new byte[side * side];

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var volume = NiftiVolume.OpenStreaming(file))
            for (int i = 0; i < 3; i++) volume.Read(i, buffer);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 2L << 20, $"allocated {allocated} bytes for three 64 KiB slices");
    }

    [Fact]
    public void OpenStreaming_Gzip_StopsBeforeDamageLaterInTheFile()
    {
        // Incompressible slices, so a byte near the end of the compressed data lies in a late slice.
        var random = new Random(5);
        var data = new byte[64 * 64 * 20];
        random.NextBytes(data);
        string file = NiftiWriter.Write(_dir.Combine("late.nii.gz"), NiftiWriter.Build([64, 64, 20], 2, 8, data));
        byte[] bytes = File.ReadAllBytes(file);
        bytes[bytes.Length * 9 / 10] ^= 0x40;
        File.WriteAllBytes(file, bytes);
        var buffer = new byte[64 * 64];

        Assert.Throws<MedicalFormatException>(() => Damage.Damage.ReadAll(NiftiVolume.Open(file), file));
        using var volume = NiftiVolume.OpenStreaming(file);
        for (int i = 0; i < 3; i++)
        {
            volume.Read(i, buffer);
            Assert.Equal(data.AsSpan(i * buffer.Length, buffer.Length).ToArray(), buffer);
        }
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("trailer")]
    public void OpenStreaming_Gzip_ReadToTheEnd_ChecksCrcAndLength(string damage)
    {
        var data = NiftiWriter.Int16s(Enumerable.Range(0, 32 * 32 * 8));
        string file = NiftiWriter.Write(_dir.Combine("v.nii.gz"), NiftiWriter.Build([32, 32, 8], 4, 16, data));
        byte[] bytes = File.ReadAllBytes(file);
        if (damage == "trailer") bytes = bytes[..^8];
        else bytes[^12] ^= 0x01; // inside the last deflate block
        File.WriteAllBytes(file, bytes);

        var errors = new List<MedicalFormatException>();
        try
        {
            using var volume = NiftiVolume.OpenStreaming(file);
            var buffer = new byte[32 * 32 * 2];
            for (int i = 0; i < volume.Count; i++)
            {
                try { volume.Read(i, buffer); }
                catch (MedicalFormatException e) { errors.Add(e); }
            }
        }
        catch (MedicalFormatException e)
        {
            errors.Add(e); // refused at open: the damage reached the header checks
        }

        var error = Assert.Single(errors.Take(1));
        Assert.Equal(file, error.Path);
        Assert.Matches("CRC|length|truncated|corrupt", error.Reason);
    }

    [Fact]
    public void OpenStreaming_IntegerRescaleBeyond16Bits_IsFloat32WithTheSameValues()
    {
        var values = Enumerable.Range(0, Nx * Ny * Nz).Select(v => v * 10 - 700).ToArray();
        string file = NiftiWriter.Write(_dir.Combine("ct.nii"), NiftiWriter.Build([Nx, Ny, Nz], 4, 16, NiftiWriter.Int16s(values), slope: 1, inter: -1024));

        using var streamed = NiftiVolume.OpenStreaming(file);
        var slice = new byte[Nx * Ny * 4];
        streamed.Read(2, slice);

        Assert.Equal(PixelFormat.Float32, streamed.Format);
        Assert.Equal(values.Skip(2 * Nx * Ny).Take(Nx * Ny).Select(v => (float)(v - 1024)), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(slice).ToArray());
    }

    private static byte[] Slice(NiftiVolume volume, int index)
    {
        var bytes = new byte[volume.Width * volume.Height * PixelFormatExtensions.BytesPerPixel(volume.Format)];
        volume.Read(index, bytes);
        return bytes;
    }
}
