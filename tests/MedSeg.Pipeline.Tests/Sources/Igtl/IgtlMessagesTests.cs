using System.Diagnostics;
using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources.Igtl;
using MedSeg.Pipeline.Sources.Igtl.Messages;

namespace MedSeg.Pipeline.Tests.Sources.Igtl;

/// <summary>
/// The new OpenIGTLink message codecs against Debian's libOpenIGTLink (1.11, built here with g++):
/// what we write, the library unpacks (CRC checked) with the spacing, origin, names and colours we
/// meant; what the library writes, we read with its geometry and pose.
/// </summary>
public sealed class IgtlMessagesTests : IDisposable
{
    private static readonly Lazy<string> s_tool = new(Build);
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-igtl-msg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LabelMapImage_LabelMeta_ColorTable_ReadByLibOpenIGTLink_WithSpacingOriginNamesAndColours()
    {
        // A 64×48 frame at 0.5 × 0.4 mm, axial, first pixel centre at (-10, 20, 5) LPS; the label map is the model's 32×24.
        var g = new FrameGeometry
        {
            IsKnown = true, ColumnSpacing = 0.5, RowSpacing = 0.4, Origin = new Vec3(-10, 20, 5),
            RowDirection = new Vec3(1, 0, 0), ColumnDirection = new Vec3(0, 1, 0), SliceDirection = new Vec3(0, 0, 1),
        };
        var image = new IgtlImageHeader { Size = [32, 24, 1], SubSize = [32, 24, 1], Matrix = IgtlImageGeometry.ToMatrix(g, 32, 24, 64, 48) };
        var pixels = new byte[32 * 24];
        var imageMessage = new byte[IgtlImageMessage.LengthOf(image)];
        IgtlImageMessage.Write(imageMessage, "medseg-labels", 0, image, pixels);
        string[] names = ["background", "liver", "lesion"];
        (byte, byte, byte)[] colors = [(0, 0, 0), (230, 25, 75), (60, 180, 75)];
        string file = Path.Combine(_dir, "out.igtl");
        File.WriteAllBytes(file, [.. imageMessage, .. IgtlLabelDescription.Build("medseg-labels", "Probe", names, colors, 32, 24)]);

        string output = Run(s_tool.Value, "read", file);
        // Spacing doubles (coarser map); the centre of the map is the centre of the frame: corner (-10.25, 19.8) + (32, 24) mm / 2, in RAS.
        Assert.Contains("IMAGE medseg-labels size 32 24 1 spacing 1.0000 0.8000 1.0000 origin -5.7500 -29.4000 5.0000 t -1.0000 -0.0000 0.0000 s -0.0000 -1.0000 0.0000 coord 1", output);
        Assert.Contains("LABEL 1 name=liver device=medseg-labels rgba=230,25,75,255 size=32,24,1 owner=Probe", output);
        Assert.Contains("LABEL 2 name=lesion device=medseg-labels rgba=60,180,75,255 size=32,24,1 owner=Probe", output);
        Assert.Contains("COLORT index 3 map 19 entries 0,0,0 230,25,75 60,180,75 0,0,0", output);
        Assert.DoesNotContain("BADCRC", output);

        // And back: our reader puts the map where the frame is.
        var back = IgtlImageGeometry.ToFrame(IgtlImageHeader.Parse(imageMessage.AsSpan(IgtlHeader.Size)), 0, "medseg-labels");
        Assert.True((back.World(0, 0) - g.World(0.5, 0.5)).Length < 1e-4, $"{back.World(0, 0)}");
        Assert.Equal((1.0, 0.8), (back.ColumnSpacing, back.RowSpacing), new ToleranceComparer(1e-6));
    }

    [Fact]
    public void ImageAndTransform_WrittenByLibOpenIGTLink_ReadWithGeometryAndPose()
    {
        string file = Path.Combine(_dir, "in.igtl");
        Run(s_tool.Value, "write", file);
        var bytes = File.ReadAllBytes(file);
        var h1 = IgtlHeader.Parse(bytes);
        Assert.Equal("IMAGE", h1.Type);
        var body1 = bytes.AsMemory(IgtlHeader.Size, (int)h1.BodySize);
        Assert.Equal(h1.Crc, Crc64Ecma.Compute(body1.Span));
        var image = IgtlImageHeader.Parse(IgtlMessageFraming.Split(h1, body1).Content.Span);
        var g = IgtlImageGeometry.ToFrame(image, 0, h1.DeviceName);
        Assert.True(g.IsKnown);
        Assert.Equal((0.5, 0.25), (g.ColumnSpacing, g.RowSpacing), new ToleranceComparer(1e-6));
        // The library's origin is the image centre (10, -20, 30) RAS; columns run along +A (t), rows along -R (s).
        var centre = g.World(1.5, 1.0);
        Assert.True((centre - new Vec3(-10, 20, 30)).Length < 1e-4, $"{centre}");
        Assert.True((g.RowDirection - new Vec3(0, -1, 0)).Length < 1e-6 && (g.ColumnDirection - new Vec3(1, 0, 0)).Length < 1e-6, $"{g.RowDirection} {g.ColumnDirection}");

        int at = IgtlHeader.Size + (int)h1.BodySize;
        var h2 = IgtlHeader.Parse(bytes.AsSpan(at));
        Assert.Equal(("TRANSFORM", "ProbeToTracker"), (h2.Type, h2.DeviceName));
        var m = IgtlTransform.Decode(bytes.AsSpan(at + IgtlHeader.Size, (int)h2.BodySize));
        Assert.Equal([0, -1, 0, 11.5, 1, 0, 0, -2.25, 0, 0, 1, 100], m);
        Assert.Equal(m, IgtlTransform.Decode(IgtlTransform.Encode(m)));
    }

    [Fact]
    public void VersionTwoHeader_MetadataAndContent_RoundTrip_AndLibOpenIGTLink1_11_ReadsOnlyVersion1()
    {
        var content = IgtlTransform.Encode([1, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1, 3]);
        var message = IgtlMessageFraming.Build(IgtlTransform.Type, "Needle", 42, content, version: 2,
            metadata: [new("Status", "OK"), new("Unit", "mm"), new("Patient", "Ünïcode")], messageId: 7);
        var h = IgtlHeader.Parse(message);
        Assert.Equal((ushort)2, h.Version);
        var body = message.AsMemory(IgtlHeader.Size);
        Assert.Equal(h.Crc, Crc64Ecma.Compute(body.Span));
        var split = IgtlMessageFraming.Split(h, body);
        Assert.Equal(content, split.Content.ToArray());
        Assert.Equal(7u, split.MessageId);
        Assert.Equal(["Status=OK", "Unit=mm", "Patient=Ünïcode"], split.Metadata.Select(p => $"{p.Key}={p.Value}"));
        // A truncated metadata block is refused, not misread.
        var cut = IgtlHeader.Parse(message) with { BodySize = h.BodySize - 3 };
        Assert.Throws<InvalidDataException>(() => IgtlMessageFraming.Split(cut, body[..^3]));
        // STT_IMAGE / STP_IMAGE are header-only requests.
        var start = IgtlHeader.Parse(IgtlStreamControl.StartImage("Probe"));
        Assert.Equal(("STT_IMAGE", "Probe", 0UL), (start.Type, start.DeviceName, start.BodySize));
        Assert.Equal("STP_IMAGE", IgtlHeader.Parse(IgtlStreamControl.StopImage("Probe")).Type);
        // Debian's libOpenIGTLink 1.11 (protocol 2) reads the version-1 request but not a version-2 header
        // (type and device come out empty): version 2 goes only to peers that speak protocol 3.
        string file = Path.Combine(_dir, "v2.igtl");
        File.WriteAllBytes(file, [.. IgtlStreamControl.StartImage("Probe"), .. IgtlMessageFraming.Build("STATUS", "x", 0, new byte[30], version: 2)]);
        string seen = Run(s_tool.Value, "read", file);
        Assert.Contains("OTHER STT_IMAGE Probe", seen);
        Assert.DoesNotContain("STATUS", seen);
        Assert.Contains("OTHER  ", seen);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<(double, double)>
    {
        public bool Equals((double, double) a, (double, double) b) => Math.Abs(a.Item1 - b.Item1) <= tolerance && Math.Abs(a.Item2 - b.Item2) <= tolerance;
        public int GetHashCode((double, double) obj) => 0;
    }

    private static string Build()
    {
        string exe = Path.Combine(Path.GetTempPath(), $"medseg-igtl-messages-{Environment.ProcessId}");
        if (!File.Exists(exe))
            Run("g++", "-O1", "-I/usr/include/openigtlink", Path.Combine(AppContext.BaseDirectory, "Sources", "Igtl", "igtl_messages.cxx"), "-lOpenIGTLink", "-o", exe);
        return exe;
    }

    private static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {p.ExitCode}: {output}{err.Result}");
        return output.ToString(CultureInfo.InvariantCulture);
    }
}
