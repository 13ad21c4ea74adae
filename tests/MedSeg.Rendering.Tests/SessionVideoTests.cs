using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Rendering.Capture;
using OpenCvSharp;

namespace MedSeg.Rendering.Tests;

/// <summary>A recorded session rendered to MP4 off-screen, decoded back with OpenCV (its bundled FFmpeg reads H.264).</summary>
public sealed class SessionVideoTests : IDisposable
{
    private const int Size = 64, Frames = 6;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-video-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Render_FilledSession_EveryFrameInTheVideo_ClassColourInsideTheMaskOnly()
    {
        string session = WriteSession(Path.Combine(_dir, "s.msgpack"));
        string video = Path.Combine(_dir, "s.mp4");

        var result = SessionVideo.Render(session, video, new SessionVideoOptions { Mode = OverlayMode.Filled, Opacity = 1f });

        Assert.Equal((Frames, Size, Size), (result.Frames, result.Width, result.Height));
        Assert.Equal(25, result.Fps, 3);   // the session's own rate: frames 40 ms apart
        Assert.Null(result.EndMessage);
        var decoded = Decode(video);
        Assert.Equal(Frames, decoded.Count);
        // Opacity 1: inside the disc the recorded class colour (#ff0000 → BGR 0,0,255), outside the grey image (128).
        var inside = decoded[2].At<Vec3b>(Size / 2, Size / 2);
        var outside = decoded[2].At<Vec3b>(4, 4);
        Assert.True(inside.Item2 > 200 && inside.Item0 < 60 && inside.Item1 < 60, $"inside {inside.Item0},{inside.Item1},{inside.Item2}");
        Assert.True(Math.Abs(outside.Item0 - 128) < 20 && Math.Abs(outside.Item2 - 128) < 20, $"outside {outside.Item0},{outside.Item1},{outside.Item2}");
        foreach (var m in decoded) m.Dispose();
    }

    [Fact]
    public void Render_SideBySide_IsTwiceAsWide()
    {
        string session = WriteSession(Path.Combine(_dir, "s.msgpack"));
        var result = SessionVideo.Render(session, Path.Combine(_dir, "side.mp4"), new SessionVideoOptions { Mode = OverlayMode.SideBySide, Fps = 10 });
        Assert.Equal((2 * Size, Size, 10.0), (result.Width, result.Height, result.Fps));
    }

    [Fact]
    public void Render_SessionCutOffWithoutFooter_RendersEveryReadableFrameAndSaysWhereItEnds()
    {
        string session = WriteSession(Path.Combine(_dir, "cut.msgpack"));
        // Keep 20 bytes of the last frame record and nothing after it, as a killed writer leaves the file.
        long last;
        using (var reader = RecordingReader.Open(session)) last = reader.FrameOffsets()[^1];
        using (var f = File.OpenWrite(session)) f.SetLength(last + 20);

        var result = SessionVideo.Render(session, Path.Combine(_dir, "cut.mp4"));

        Assert.Equal(Frames - 1, result.Frames);
        Assert.NotNull(result.EndMessage);
        Assert.Contains("truncated", result.EndMessage);
    }

    [Fact]
    public void Render_NotASession_NamesTheFile()
    {
        string bogus = Path.Combine(_dir, "bogus.msgpack");
        File.WriteAllBytes(bogus, new byte[64]);
        var e = Assert.Throws<RecordingFormatException>(() => SessionVideo.Render(bogus, Path.Combine(_dir, "x.mp4")));
        Assert.Contains("bogus.msgpack", e.Message);
    }

    private static string WriteSession(string path)
    {
        var header = new SessionHeader
        {
            Source = "test", Width = Size, Height = Size, PixelFormat = PixelFormat.Gray8, MaskWidth = Size, MaskHeight = Size,
            ClassNames = ["background", "lesion"], ClassColors = ["#000000", "#ff0000"],
        };
        using var writer = RecordingWriter.Create(path, header, new RecordingWriterOptions { Fsync = FsyncPolicy.None });
        var image = Enumerable.Repeat((byte)128, Size * Size).ToArray();
        var labels = new byte[Size * Size];
        for (int y = 0; y < Size; y++)
        for (int x = 0; x < Size; x++)
            if ((x - Size / 2) * (x - Size / 2) + (y - Size / 2) * (y - Size / 2) < 15 * 15) labels[y * Size + x] = 1;
        for (int i = 0; i < Frames; i++)
            writer.Append(new FrameData
            {
                Seq = i, Timestamp = TimeSpan.FromMilliseconds(40 * i), Width = Size, Height = Size, Format = PixelFormat.Gray8,
                Pixels = image, MaskWidth = Size, MaskHeight = Size, Labels = labels,
            });
        writer.Complete();
        return path;
    }

    private static List<Mat> Decode(string video)
    {
        using var capture = new VideoCapture(video);
        Assert.True(capture.IsOpened(), $"OpenCV cannot open {video}");
        var frames = new List<Mat>();
        while (true)
        {
            var m = new Mat();
            if (!capture.Read(m) || m.Empty()) { m.Dispose(); break; }
            frames.Add(m);
        }
        return frames;
    }
}
