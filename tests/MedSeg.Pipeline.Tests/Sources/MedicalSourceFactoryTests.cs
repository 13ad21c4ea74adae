using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Sources.Igtl;
using MedSeg.Pipeline.Tests.Support;
using OpenCvSharp;

namespace MedSeg.Pipeline.Tests.Sources;

public sealed class MedicalSourceFactoryTests : IDisposable
{
    private readonly FramePool _pool = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-sources-").FullName;

    [Fact]
    public async Task Create_TiffStackPingPong_ReplaysSixteenBitPagesBackAndForth()
    {
        var pages = Enumerable.Range(0, 3).Select(k => new Mat(4, 5, MatType.CV_16UC1, Scalar.All(1000 * (k + 1)))).ToArray();
        string file = Path.Combine(_dir, "stack.tiff");
        Assert.True(Cv2.ImWrite(file, (IEnumerable<Mat>)pages));
        foreach (var p in pages) p.Dispose();

        var source = SourceFactory.Create($"tiff:{file}?fps=0&pingpong&frames=5", _pool);
        var output = Channels.Unbounded<Frame>();
        await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();
        var frames = await Channels.ReadAllAsync(output.Reader);

        Assert.IsType<SliceStackSource>(source);
        Assert.Equal([1000, 2000, 3000, 2000, 1000], frames.Select(f => (int)BitConverter.ToUInt16(f.Pixels[..2])));
        Assert.All(frames, f => Assert.Equal(PixelFormat.Gray16, f.Info.Format));
        foreach (var f in frames) f.Dispose();
        ((IDisposable)source).Dispose();
    }

    [Fact]
    public void Create_Folder_DescribesStackAndPlayback()
    {
        using (var img = new Mat(4, 5, MatType.CV_8UC1, Scalar.All(9))) Cv2.ImWrite(Path.Combine(_dir, "a_1.png"), img);
        var source = SourceFactory.Create($"folder:{_dir}?fps=10&loop", _pool);
        Assert.Contains("5×4×1 Gray8 @ 10 fps, loop", source.Description);
    }

    [Fact]
    public void Create_Igtl_ParsesHostPortAndOptions()
    {
        var o = SourceFactory.ParseIgtl("//127.0.0.1:18945?device=Probe&frames=10&labels=Seg");
        Assert.Equal(("127.0.0.1", 18945, "Probe", 10L, "Seg"), (o.Host, o.Port, o.Device, o.Frames, o.LabelDevice));
        Assert.Equal(18944, SourceFactory.ParseIgtl("//scanner").Port);
        Assert.IsType<IgtlSource>(SourceFactory.Create("igtl://localhost:18944", _pool));
    }

    [Fact]
    public void Create_Video_ParsesTargetAndOptions()
    {
        var o = SourceFactory.ParseVideo("0?gray&backoff=100&maxbackoff=2000");
        Assert.True(o.IsDeviceIndex && o.IsLive && o.Gray);
        Assert.Equal((TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2)), (o.BackoffInitial, o.BackoffMax));
        Assert.False(SourceFactory.ParseVideo("clip.mp4?loop").IsLive);
        Assert.IsType<VideoSource>(SourceFactory.Create("video:rtsp://127.0.0.1:8554/us", _pool));
    }

    [Theory]
    [InlineData("nifti:/x.nii?axis=w", "axis=w")]
    [InlineData("igtl://h:1?speed=2", "unknown igtl option 'speed'")]
    [InlineData("video:a.mp4?fps=fast", "fps=fast")]
    [InlineData("igtl:host", "igtl://host:port")]
    [InlineData("dicom:", "needs a path")]
    public void Create_BadSpec_ExplainsWhatIsWrong(string spec, string message) =>
        Assert.Contains(message, Assert.ThrowsAny<ArgumentException>(() => SourceFactory.Create(spec, _pool)).Message);

    [Fact]
    public void Create_UnknownReplayOption_NamesIt()
    {
        using (var img = new Mat(4, 5, MatType.CV_8UC1)) Cv2.ImWrite(Path.Combine(_dir, "a.png"), img);
        Assert.Contains("unknown folder option 'speed'", Assert.Throws<ArgumentException>(() => SourceFactory.Create($"folder:{_dir}?speed=2", _pool)).Message);
    }

    [Fact]
    public void Create_MissingDicomFolder_NamesThePath() =>
        Assert.Contains("/no/such/ct", Assert.Throws<MedicalFormatException>(() => SourceFactory.Create("dicom:/no/such/ct", _pool)).Message);

    public void Dispose()
    {
        _pool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
