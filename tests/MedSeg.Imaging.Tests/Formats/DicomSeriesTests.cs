using System.Buffers.Binary;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Imaging.Formats.Dicom;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Formats;

public sealed class DicomSeriesTests : IDisposable
{
    private const int W = 8, H = 6;
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Read_CtTwelveBitWithRescale_HounsfieldUnitsMatchDcmdump()
    {
        short[] stored = Enumerable.Range(0, W * H).Select(i => (short)(i * 85)).ToArray(); // 0..3995 in 12 bits
        string file = Dcmtk.Write(_dir, "ct.dcm", W, H, Dcmtk.LittleEndian(stored),
            "(0008,0060)=CT", "(0028,0101)=12", "(0028,0102)=11", "(0028,0103)=0",
            "(0028,1052)=-1024", "(0028,1053)=1", "(0028,1050)=40", "(0028,1051)=400");

        using var series = DicomSeries.Open(file);
        var hu = ReadInt16(series, 0);

        byte[] dump = Dcmtk.DumpPixels(_dir, file);
        double slope = Dcmtk.DumpDecimal(file, "0028,1053"), intercept = Dcmtk.DumpDecimal(file, "0028,1052");
        var expected = Enumerable.Range(0, W * H).Select(i => (short)((BinaryPrimitives.ReadUInt16LittleEndian(dump.AsSpan(2 * i)) & 0x0FFF) * slope + intercept));
        Assert.Equal(expected, hu);
        Assert.Equal((short)-1024, hu[0]);
        Assert.Equal(PixelFormat.Int16, series.Format);
        Assert.True(series.IsHounsfield);
        Assert.Equal(new DisplayWindow(40, 400), series.Window);
        Assert.Contains("(HU)", series.Description);
    }

    [Fact]
    public void Read_ImplicitVrSigned16_KeepsSignedValuesAsInt16()
    {
        short[] stored = Enumerable.Range(0, W * H).Select(i => (short)(i * 700 - 20000)).ToArray();
        string explicitFile = Dcmtk.Write(_dir, "mr.dcm", W, H, Dcmtk.LittleEndian(stored), "(0028,0101)=16", "(0028,0102)=15", "(0028,0103)=1");
        string file = _dir.Combine("mr-implicit.dcm");
        Dcmtk.Run("dcmconv", "+ti", explicitFile, file);

        using var series = DicomSeries.Open(file);

        Assert.Equal(DicomTransferSyntax.ImplicitVrLittleEndian.Uid, series.Files[0].TransferSyntax.Uid);
        Assert.Equal(PixelFormat.Int16, series.Format);
        Assert.Equal(stored, ReadInt16(series, 0));
    }

    [Fact]
    public void Read_Unsigned16WithoutRescale_StaysGray16()
    {
        var stored = Enumerable.Range(0, W * H).Select(i => (short)(ushort)(i * 1300)).ToArray();
        string file = Dcmtk.Write(_dir, "xr.dcm", W, H, Dcmtk.LittleEndian(stored), "(0028,0101)=16", "(0028,0102)=15", "(0028,0103)=0");

        using var series = DicomSeries.Open(file);
        var frame = new byte[W * H * 2];
        series.Read(0, frame);

        Assert.Equal(PixelFormat.Gray16, series.Format);
        Assert.Equal(Dcmtk.DumpPixels(_dir, file).AsSpan(0, frame.Length).ToArray(), frame);
    }

    [Fact]
    public void Open_Unsigned16WithIntercept_ScansPixelsAndKeepsInt16WhenTheyFit()
    {
        // Declared range 0..65535 − 1024 overflows Int16, but the actual values do not.
        short[] stored = Enumerable.Range(0, W * H).Select(i => (short)(i * 50)).ToArray();
        string file = Dcmtk.Write(_dir, "ct16.dcm", W, H, Dcmtk.LittleEndian(stored), "(0008,0060)=CT", "(0028,0101)=16", "(0028,0102)=15", "(0028,0103)=0", "(0028,1052)=-1024");

        using var series = DicomSeries.Open(file);

        Assert.Equal(PixelFormat.Int16, series.Format);
        Assert.Equal(stored.Select(s => (short)(s - 1024)), ReadInt16(series, 0));
    }

    [Fact]
    public void Open_FractionalSlope_BecomesFloat32()
    {
        short[] stored = Enumerable.Range(0, W * H).Select(i => (short)i).ToArray();
        string file = Dcmtk.Write(_dir, "pt.dcm", W, H, Dcmtk.LittleEndian(stored), "(0028,0101)=16", "(0028,0102)=15", "(0028,1053)=0.25", "(0028,1052)=1");

        using var series = DicomSeries.Open(file);
        var frame = new byte[W * H * 4];
        series.Read(0, frame);

        Assert.Equal(PixelFormat.Float32, series.Format);
        Assert.Equal(stored.Select(s => s * 0.25f + 1), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(frame).ToArray());
    }

    [Fact]
    public void Open_Folder_SortsByPositionAlongTheNormalNotByNameOrInstance()
    {
        // Names and Instance Numbers both disagree with the geometry; geometry wins.
        Slice("a.dcm", instance: 1, z: 10);
        Slice("b.dcm", instance: 2, z: -5);
        Slice("c.dcm", instance: 3, z: 2.5);

        using var series = DicomSeries.Open(_dir.Path);

        Assert.Equal(["b.dcm", "c.dcm", "a.dcm"], Enumerable.Range(0, series.Count).Select(i => Path.GetFileName(series.NameOf(i))));
        Assert.Contains("position", series.Order);
    }

    [Fact]
    public void Open_FolderWithoutPositions_FallsBackToInstanceNumber()
    {
        Slice("a.dcm", instance: 3, z: null);
        Slice("b.dcm", instance: 1, z: null);
        Slice("c.dcm", instance: 2, z: null);

        using var series = DicomSeries.Open(_dir.Path);

        Assert.Equal(["b.dcm", "c.dcm", "a.dcm"], Enumerable.Range(0, series.Count).Select(i => Path.GetFileName(series.NameOf(i))));
        Assert.Contains("Instance Number", series.Order);
    }

    [Fact]
    public void Open_MixedSizesAndJunk_SkipsTheOddFilesNamingThem()
    {
        Slice("a.dcm", 1, 0);
        Slice("b.dcm", 2, 1);
        Dcmtk.Write(_dir, "odd.dcm", 4, 4, null, "(0020,0013)=3");
        File.WriteAllText(_dir.Combine("notes.txt"), "not dicom");

        using var series = DicomSeries.Open(_dir.Path);

        Assert.Equal(2, series.Count);
        Assert.Contains(series.Skipped, s => s.Item.EndsWith("odd.dcm") && s.Reason.Contains("4×4") && s.Reason.Contains("8×6"));
        Assert.Contains(series.Skipped, s => s.Item.EndsWith("notes.txt") && s.Reason.Contains("DICM"));
    }

    [Fact]
    public void Open_MultiFrame_ReadsEachFrame()
    {
        short[] stored = Enumerable.Range(0, 3 * W * H).Select(i => (short)(i * 3)).ToArray();
        string file = Dcmtk.Write(_dir, "cine.dcm", W, H, Dcmtk.LittleEndian(stored), "(0028,0101)=16", "(0028,0102)=15", "(0028,0103)=1", "(0028,0008)=3");

        using var series = DicomSeries.Open(file);

        Assert.Equal(3, series.Count);
        Assert.Equal(stored[(2 * W * H)..], ReadInt16(series, 2));
        Assert.EndsWith("frame 2", series.NameOf(2));
    }

    [Fact]
    public void Read_EightBitRgb_BecomesBgrEqualToTheSourceBitmap()
    {
        using var colour = new Mat(H, W, MatType.CV_8UC3);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) colour.Set(y, x, new Vec3b((byte)(x * 30), (byte)(y * 40), (byte)(x + y)));
        string bmp = _dir.Write(colour, "rgb.bmp");
        string file = _dir.Combine("rgb.dcm");
        Dcmtk.Run("img2dcm", "-i", "BMP", bmp, file);

        using var series = DicomSeries.Open(file);
        var frame = new byte[W * H * 3];
        series.Read(0, frame);

        Assert.Equal(PixelFormat.Bgr24, series.Format);
        Assert.Equal(colour.AsSpan<byte>().ToArray(), frame);
    }

    [Fact]
    public void ReadHeader_Compressed_NamesTheTransferSyntax()
    {
        string plain = Dcmtk.Write(_dir, "plain.dcm", W, H);
        string file = _dir.Combine("jpeg.dcm");
        Dcmtk.Run("dcmcjpeg", plain, file);

        var e = Assert.Throws<MedicalFormatException>(() => DicomFile.ReadHeader(file));

        Assert.Contains("1.2.840.10008.1.2.4.", e.Message);
        Assert.Contains("JPEG", e.Message);
        Assert.Contains("jpeg.dcm", e.Message);
    }

    [Fact]
    public void ReadHeader_Truncated_NamesFileAndOffset()
    {
        string file = Dcmtk.Write(_dir, "cut.dcm", W, H);
        var bytes = File.ReadAllBytes(file);
        File.WriteAllBytes(file, bytes[..(bytes.Length - 10)]);

        var e = Assert.Throws<MedicalFormatException>(() => DicomFile.ReadHeader(file));

        Assert.Contains("cut.dcm", e.Message);
        Assert.NotNull(e.Offset);
        Assert.Contains($"at byte {e.Offset}", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Theory]
    [InlineData(0xFF)]
    [InlineData(0x00)]
    public void ReadHeader_CorruptLength_FailsCleanlyWithOffset(byte fill)
    {
        string file = Dcmtk.Write(_dir, "bad.dcm", W, H);
        var bytes = File.ReadAllBytes(file);
        // Overwrite the dataset right after the meta group with garbage: a wild VR or length.
        int metaEnd = 132 + 12 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(140));
        bytes.AsSpan(metaEnd, 12).Fill(fill);
        File.WriteAllBytes(file, bytes);

        var e = Assert.Throws<MedicalFormatException>(() => DicomFile.ReadHeader(file));
        Assert.Contains("bad.dcm", e.Message);
    }

    [Fact]
    public void ReadHeader_NotDicom_SaysSo()
    {
        string file = _dir.Combine("x.dcm");
        File.WriteAllBytes(file, new byte[300]);
        Assert.Contains("DICM", Assert.Throws<MedicalFormatException>(() => DicomFile.ReadHeader(file)).Message);
    }

    private void Slice(string name, int instance, double? z)
    {
        var attrs = new List<string> { $"(0020,0013)={instance}" };
        if (z is { } p) attrs.AddRange([$"(0020,0032)=-10\\-20\\{p.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "(0020,0037)=1\\0\\0\\0\\1\\0"]);
        Dcmtk.Write(_dir, name, W, H, null, [.. attrs]);
        File.Delete(_dir.Combine(name + ".bmp")); // keep the folder a pure series
    }

    private static short[] ReadInt16(ISliceStack stack, int index)
    {
        var bytes = new byte[stack.Width * stack.Height * 2];
        stack.Read(index, bytes);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(bytes).ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
