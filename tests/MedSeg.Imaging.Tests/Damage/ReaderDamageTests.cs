using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using CsCheck;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Dicom;
using MedSeg.Imaging.Formats.Nifti;
using MedSeg.Imaging.Formats.Tiff;
using MedSeg.Imaging.Tests.Formats;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Damage;

/// <summary>
/// Damage generated from valid files written by real tools (dcmtk, nibabel, OpenCV): every reader
/// either reads or names the file and the reason, in bounded time and memory; plus the cases a
/// bad day at a site brought (issue 12), each asserted.
/// </summary>
public sealed class ReaderDamageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Dicom_GeneratedDamage_ReadsOrNamesTheFile()
    {
        byte[] valid = File.ReadAllBytes(Dcmtk.Write(_dir, "base.dcm", 40, 30, Dcmtk.LittleEndian([.. Enumerable.Range(0, 1200).Select(i => (short)i)])));
        string path = _dir.Combine("case.dcm");
        Damage.Of(valid.Length).Sample(damage =>
        {
            File.WriteAllBytes(path, damage(valid));
            Damage.Outcome(path, () => Damage.ReadAll(DicomSeries.Open(path), path));
        }, iter: Damage.Iterations(150), threads: 1);
    }

    [Fact]
    public void NiftiGz_GeneratedDamage_ReadsOrNamesTheFile()
    {
        byte[] valid = File.ReadAllBytes(Nibabel(_dir.Combine("base.nii.gz"), 24, 20, 6));
        string path = _dir.Combine("case.nii.gz");
        Damage.Of(valid.Length).Sample(damage =>
        {
            File.WriteAllBytes(path, damage(valid));
            Damage.Outcome(path, () => Damage.ReadAll(NiftiVolume.Open(path), path));
        }, iter: Damage.Iterations(150), threads: 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void NiftiGz_GeneratedDamage_Streamed_ReadsOrNamesTheFile(int axis)
    {
        byte[] valid = File.ReadAllBytes(Nibabel(_dir.Combine("base.nii.gz"), 24, 20, 6));
        string path = _dir.Combine("case.nii.gz");
        Damage.Of(valid.Length).Sample(damage =>
        {
            File.WriteAllBytes(path, damage(valid));
            Damage.Outcome(path, () => Damage.ReadAll(NiftiVolume.OpenStreaming(path, axis), path));
        }, iter: Damage.Iterations(150), threads: 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Nifti_GeneratedDamage_Streamed_ReadsOrNamesTheFile(int axis)
    {
        byte[] valid = NiftiWriter.Build([16, 12, 5], 4, 16, NiftiWriter.Int16s(Enumerable.Range(0, 16 * 12 * 5)));
        string path = _dir.Combine("case.nii");
        Damage.Of(valid.Length).Sample(damage =>
        {
            File.WriteAllBytes(path, damage(valid));
            Damage.Outcome(path, () => Damage.ReadAll(NiftiVolume.OpenStreaming(path, axis), path));
        }, iter: Damage.Iterations(150), threads: 1);
    }

    [Fact]
    public void Nifti_GeneratedHeaderDamage_ReadsOrNamesTheFile()
    {
        byte[] valid = NiftiWriter.Build([16, 12, 5], 4, 16, NiftiWriter.Int16s(Enumerable.Range(0, 16 * 12 * 5)));
        string path = _dir.Combine("case.nii");
        // Damage inside the 348-byte header, where a lie costs memory.
        Damage.Of(348).Sample(damage =>
        {
            byte[] damaged = damage(valid[..348]);
            File.WriteAllBytes(path, [.. damaged, .. valid[Math.Min(damaged.Length, 348)..]]);
            Damage.Outcome(path, () => Damage.ReadAll(NiftiVolume.Open(path, axis: 0), path));
        }, iter: Damage.Iterations(150), threads: 1);
    }

    [Fact]
    public void Png_GeneratedDamage_ReadsOrNamesTheFile()
    {
        using var image = new Mat(30, 40, MatType.CV_8UC1, new Scalar(90));
        byte[] valid = File.ReadAllBytes(_dir.Write(image, "base", "a.png"));
        string folder = _dir.Combine("case");
        Damage.Of(valid.Length).Sample(damage =>
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "b.png"), damage(valid));
            File.WriteAllBytes(Path.Combine(folder, "c.png"), valid);
            Damage.Outcome(folder, () => Damage.ReadAll(ImageFolderStack.Open(folder), folder));
        }, iter: Damage.Iterations(100), threads: 1);
    }

    [Fact]
    public void DicomFolder_NamedPipe_SkippedByNameWithoutBlocking()
    {
        Directory.CreateDirectory(_dir.Combine("series"));
        File.Copy(Dcmtk.Write(_dir, "one.dcm", 20, 10), _dir.Combine("series", "one.dcm"));
        Process.Start("mkfifo", _dir.Combine("series", "pipe"))!.WaitForExit();
        using var series = DicomSeries.Open(_dir.Combine("series"));
        Assert.Equal(1, series.Count);
        var skipped = Assert.Single(series.Skipped);
        Assert.EndsWith("pipe", skipped.Item);
        Assert.Contains("not a regular file", skipped.Reason);
    }

    [Fact]
    public void Tiff_NamedPipe_RefusedByNameWithoutBlocking()
    {
        string pipe = _dir.Combine("stack.tif");
        Process.Start("mkfifo", pipe)!.WaitForExit();
        // On a worker with a deadline: a reader that opened the pipe would wait for a writer forever.
        var open = Task.Run(() => Assert.Throws<MedicalFormatException>(() => TiffStack.Open(pipe)));
        Assert.True(open.Wait(TimeSpan.FromSeconds(30)), "TiffStack.Open blocked on a named pipe");
        Assert.Equal(pipe, open.Result.Path);
        Assert.Contains("not a regular file", open.Result.Reason);
    }

    [Fact]
    public void Recording_NamedPipe_RefusedByNameWithoutBlocking()
    {
        string pipe = _dir.Combine("session.msgpack");
        Process.Start("mkfifo", pipe)!.WaitForExit();
        var open = Task.Run(() => Assert.Throws<MedSeg.Core.Recording.RecordingFormatException>(() => MedSeg.Core.Recording.RecordingReader.Open(pipe)));
        Assert.True(open.Wait(TimeSpan.FromSeconds(30)), "RecordingReader.Open blocked on a named pipe");
        Assert.Contains(pipe, open.Result.Message);
        Assert.Contains("not a regular file", open.Result.Message);
    }

    [Fact]
    public void Dicom_300MillionFrames_RefusedByTheFrameLimit()
    {
        string file = Dcmtk.Write(_dir, "frames.dcm", 8, 8, null, "(0028,0008)=300000000");
        var e = Assert.Throws<MedicalFormatException>(() => DicomSeries.Open(file));
        Assert.Equal(file, e.Path);
        Assert.Contains("MEDSEG_MAX_FRAMES", e.Reason);
    }

    [Fact]
    public void Dicom_16384Square16Bit_RefusedBeforeAllocation()
    {
        string file = Dcmtk.Write(_dir, "huge.dcm", 8, 8, null, "(0028,0010)=16384", "(0028,0011)=16384", "(0028,0100)=16");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MedicalFormatException>(() => DicomSeries.Open(file));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("MEDSEG_MAX_IMAGE_PIXELS", e.Reason);
    }

    [Fact]
    public void Nifti_1x32767x32767AlongX_RefusedBeforeAllocation()
    {
        string file = NiftiWriter.Write(_dir.Combine("thin.nii"), NiftiWriter.Build([1, 32767, 32767], 2, 8, new byte[64]));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<MedicalFormatException>(() => NiftiVolume.Open(file, axis: 0));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("MEDSEG_MAX_IMAGE_SIDE", e.Reason);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("trailer")]
    public void NiftiGz_CorruptOrCutTrailer_Refused(string damage)
    {
        string file = Nibabel(_dir.Combine("v.nii.gz"), 32, 32, 8);
        byte[] bytes = File.ReadAllBytes(file);
        if (damage == "trailer") bytes = bytes[..^8];
        else bytes[^12] ^= 0x01; // inside the last deflate block, where a reader that stops early never looks
        File.WriteAllBytes(file, bytes);
        var e = Assert.Throws<MedicalFormatException>(() => Damage.ReadAll(NiftiVolume.Open(file), file));
        Assert.Equal(file, e.Path);
    }

    [Fact]
    public void Folder_OversizedPngHeader_NamedAndTheFilesAfterItStillRead()
    {
        using var image = new Mat(16, 16, MatType.CV_8UC1, new Scalar(7));
        _dir.Write(image, "f", "a.png");
        File.WriteAllBytes(_dir.Combine("f", "b.png"), PngClaiming(200_000, 200_000));
        _dir.Write(image, "f", "c.png");
        using var stack = ImageFolderStack.Open(_dir.Combine("f"));
        var buffer = new byte[16 * 16];
        stack.Read(0, buffer);
        var e = Assert.Throws<MedicalFormatException>(() => stack.Read(1, buffer));
        Assert.EndsWith("b.png", e.Path);
        stack.Read(2, buffer);
        Assert.Equal(7, buffer[0]);
    }

    /// <summary>A PNG signature and a well-formed IHDR (valid CRC) claiming <paramref name="w"/>×<paramref name="h"/>, then nothing.</summary>
    private static byte[] PngClaiming(int w, int h)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), h);
        (ihdr[12], ihdr[13]) = (8, 0);
        var png = new List<byte>([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        png.AddRange(ihdr);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Core.Recording.Crc32.Compute(ihdr));
        png.AddRange(crc);
        return [.. png];
    }

    /// <summary>A .nii.gz written by Debian's nibabel (int16 ramp), through /usr/bin/python3.</summary>
    private static string Nibabel(string path, int x, int y, int z)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "-c", "import sys, numpy as np, nibabel as nib; x, y, z = map(int, sys.argv[2:5]); " +
                                           "nib.save(nib.Nifti1Image(np.arange(x*y*z, dtype=np.int16).reshape((x, y, z), order='F'), np.eye(4)), sys.argv[1])",
                                     path, $"{x}", $"{y}", $"{z}" })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"nibabel: {err}");
        return path;
    }
}
