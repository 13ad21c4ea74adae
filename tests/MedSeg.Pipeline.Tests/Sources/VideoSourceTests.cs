using System.Diagnostics;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

/// <summary>Videos written by the real ffmpeg (Debian package <c>ffmpeg</c>), read through OpenCV's VideoCapture.</summary>
public sealed class VideoSourceTests : IDisposable
{
    private readonly FramePool _pool = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-video-").FullName;

    [Theory]
    [InlineData("clip.mp4", "libx264")]
    [InlineData("clip.avi", "mjpeg")]
    public async Task RunAsync_File_ReadsEveryFrameAtItsSize(string name, string codec)
    {
        string file = Ffmpeg(name, codec);

        var frames = await RunAsync(new VideoSource(new VideoSourceOptions { Target = file, Fps = 0 }, _pool));

        Assert.Equal(10, frames.Count);
        Assert.All(frames, f => Assert.Equal((64, 48, PixelFormat.Bgr24), (f.Info.Width, f.Info.Height, f.Info.Format)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), frames.Select(f => f.Info.Seq));
        Dispose(frames);
    }

    [Fact]
    public void FrameSize_File_ProbedBeforeTheFirstFrame_LiveTargetUnknown()
    {
        // A fixed-input model is prepared for it when the session is built, before any frame is read.
        string file = Ffmpeg("size.avi", "mjpeg");

        Assert.Equal((64, 48), ((IFrameSource)new VideoSource(new VideoSourceOptions { Target = file, Gray = true }, _pool)).FrameSize);
        Assert.Null(((IFrameSource)new VideoSource(new VideoSourceOptions { Target = file, Live = true }, _pool)).FrameSize);
        Assert.Null(((IFrameSource)new VideoSource(new VideoSourceOptions { Target = Path.Combine(_dir, "missing.mp4") }, _pool)).FrameSize);
    }

    [Fact]
    public async Task RunAsync_GreyLoop_WrapsAroundTheFile()
    {
        string file = Ffmpeg("loop.mp4", "libx264");

        var frames = await RunAsync(new VideoSource(new VideoSourceOptions { Target = file, Fps = 0, Loop = true, Gray = true, Frames = 15 }, _pool));

        Assert.Equal(15, frames.Count);
        Assert.All(frames, f => Assert.Equal(PixelFormat.Gray8, f.Info.Format));
        Dispose(frames);
    }

    [Fact]
    public async Task RunAsync_LiveTargetMissingAtFirst_ReconnectsWithBackoffUntilItAppears()
    {
        string clip = Ffmpeg("later.avi", "mjpeg");
        string target = Path.Combine(_dir, "device.avi");
        var source = new VideoSource(new VideoSourceOptions
        {
            Target = target, Live = true, Frames = 3,
            BackoffInitial = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(100),
        }, _pool);
        var output = Channels.Unbounded<Frame>();

        var run = source.RunAsync(output.Writer, CancellationToken.None);
        while (source.Reconnects < 2) await Task.Delay(10).WaitAsync(Channels.Patience);
        File.Copy(clip, target);
        await run.WaitAsync(Channels.Patience);
        output.Writer.Complete();

        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal(3, frames.Count);
        Assert.True(source.Reconnects >= 2);
        Dispose(frames);
    }

    [Fact]
    public async Task RunAsync_MissingFileNotLive_FailsNamingIt()
    {
        var source = new VideoSource(new VideoSourceOptions { Target = Path.Combine(_dir, "none.mp4") }, _pool);
        var e = await Assert.ThrowsAsync<MedSeg.Imaging.Formats.MedicalFormatException>(() => RunAsync(source));
        Assert.Contains("none.mp4", e.Message);
    }

    private string Ffmpeg(string name, string codec)
    {
        string file = Path.Combine(_dir, name);
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", "-c:v", codec, "-pix_fmt", codec == "mjpeg" ? "yuvj420p" : "yuv420p", "-y", file })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffmpeg failed (install Debian's ffmpeg): {err}");
        return file;
    }

    private static async Task<List<Frame>> RunAsync(VideoSource source)
    {
        var output = Channels.Unbounded<Frame>();
        try { await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience); }
        finally { output.Writer.Complete(); }
        return await Channels.ReadAllAsync(output.Reader);
    }

    private static void Dispose(List<Frame> frames)
    {
        foreach (var f in frames) f.Dispose();
    }

    public void Dispose()
    {
        _pool.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
