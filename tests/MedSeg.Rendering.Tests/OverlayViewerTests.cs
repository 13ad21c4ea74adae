using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;
using OpenCvSharp;

namespace MedSeg.Rendering.Tests;

/// <summary>The headless view end to end: frames in, PNG snapshots and an MP4 out, keys, counters, frame release.</summary>
public sealed class OverlayViewerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-viewer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_UntilSourceCompletes_DrawsEveryFrameWritesSnapshotsAndVideoAndReleasesFrames()
    {
        using var provider = new QueueFrameProvider(48, 32, 0, 1, 2, 3, 4, 5);
        using var target = HeadlessRenderTarget.Create(96, 64);
        var video = Path.Combine(_dir, "overlay.mp4");
        using (var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            ModelName = "unet-test", Device = "cpu",
            SnapshotEvery = 2, SnapshotDirectory = Path.Combine(_dir, "png"), VideoPath = video, VideoFps = 10,
            // Room for every frame: this loop outruns ffmpeg's start-up, and a full queue would drop (by design).
            ReadbackRing = 8, EncoderQueue = 8,
        }) { IsFixedTimeStep = false })
        {
            viewer.Run();
            Assert.Equal(new CaptureSummary(Requested: 6, Skipped: 0, Dropped: 0, Written: 6, Failed: 0), viewer.Capture);
            Assert.Equal(6, viewer.Stats.FramesPresented);
            Assert.Equal(0, viewer.Stats.DroppedFrames);
            Assert.Equal(5, viewer.Stats.LastSeq);
        }
        Assert.Equal(0, provider.Pool.Outstanding);   // every frame was released after drawing
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_dir, "png"), "*.png").Length);
        using var capture = new VideoCapture(video);
        Assert.True(capture.IsOpened());
        Assert.Equal(96, capture.FrameWidth);
        int frames = 0;
        using var mat = new Mat();
        while (capture.Read(mat) && !mat.Empty()) frames++;
        Assert.Equal(6, frames);
    }

    [Fact]
    public void WarmUp_BeforeRun_NeitherCountedNorWrittenAndTheTimelineHasEveryFrame()
    {
        using var provider = new QueueFrameProvider(48, 32, 0, 1, 2, 3);
        using var target = HeadlessRenderTarget.Create(96, 64);
        var video = Path.Combine(_dir, "warm.mp4");
        PresentationSummary summary;
        using (var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            SnapshotEvery = 2, SnapshotDirectory = Path.Combine(_dir, "png"), VideoPath = video, VideoFps = 10, ReadbackRing = 8, EncoderQueue = 8,
        }) { IsFixedTimeStep = false })
        {
            viewer.WarmUp(48, 32);
            Assert.Equal(new CaptureSummary(0, 0, 0, 0, 0), viewer.Capture);
            Assert.Equal(0, viewer.Stats.FramesPresented);
            viewer.Run();
            summary = viewer.Summarize();
        }

        Assert.Equal(new CaptureSummary(Requested: 4, Skipped: 0, Dropped: 0, Written: 4, Failed: 0), summary.Capture);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_dir, "png"), "*.png").Length);   // frames 0 and 2: the warm-up frame is not one
        using (var capture = new VideoCapture(video))
        {
            int frames = 0;
            using var mat = new Mat();
            while (capture.Read(mat) && !mat.Empty()) frames++;
            Assert.Equal(4, frames);
        }
        Assert.Equal([0L, 1, 2, 3], summary.Frames!.Select(f => f.Seq));
        Assert.All(summary.Frames!, f =>
        {
            // Stages the provider's frames never passed are NaN; the view's own stamps follow each other.
            Assert.True(double.IsNaN(f.Postprocessed));
            Assert.True(f.Taken >= 0 && f.DrawStart >= f.Taken && f.SwapStart >= f.DrawStart && f.Presented >= f.SwapStart, $"frame {f.Seq}: {f}");
        });
        Assert.Equal(summary.CaptureToScreen.Max, summary.Frames!.Max(f => f.Presented), 3);
    }

    [Fact]
    public void WarmUp_TicksTheLoopOverABlankFrame_ReadsIntoEveryRingBufferForTheSinksWarmUp_AndTakesNoProviderFrame()
    {
        using var provider = new QueueFrameProvider(48, 32, 0, 1);
        using var target = HeadlessRenderTarget.Create(96, 64);
        var sink = new WarmUpCountingSink();
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            CaptureSink = sink, SnapshotEvery = 1, SnapshotDirectory = _dir, ReadbackRing = 3, EncoderQueue = 8,
        }) { IsFixedTimeStep = false };

        viewer.WarmUp(48, 32);

        Assert.Equal([(96, 64), (96, 64), (96, 64)], sink.WarmUps);   // one read into each buffer, all encoded before it returned
        Assert.Empty(sink.Written);
        Assert.False(provider.IsCompleted);                            // the run's frames are all still there
        Assert.Equal((0L, 0L, 0L), (viewer.DrawCount, viewer.UpdateCount, viewer.Stats.FramesPresented));
        viewer.Run();
        Assert.Equal([0L, 1], sink.Written);                           // the snapshots are the run's frames, from 0
        Assert.Equal(new CaptureSummary(Requested: 2, Skipped: 0, Dropped: 0, Written: 2, Failed: 0), viewer.Capture);
    }

    [Fact]
    public void Run_SequenceGaps_AreCountedAsDropped()
    {
        using var provider = new QueueFrameProvider(16, 16, 0, 1, 5, 6, 9);
        using var target = HeadlessRenderTarget.Create(16, 16);
        using var viewer = new OverlayViewer(target, provider) { IsFixedTimeStep = false };
        viewer.Run();
        Assert.Equal(5, viewer.Stats.DroppedFrames);
    }

    [Theory]
    [InlineData(1, 3, 4)]    // headless: a poll without a new frame sleeps instead of drawing the same picture
    [InlineData(0, 3, 0)]    // window: skips the draw; the fixed step paces the loop, so no sleep
    [InlineData(-1, 8, 0)]   // not set: every tick draws, the last one after the source ended too
    public void Run_NoNewFrame_SkipsTheDrawWhenIdleWaitIsSet(int idleWaitMs, int expectedDraws, int expectedSleeps)
    {
        // Frames arrive on polls 0, 3 and 6; polls 1, 2, 4 and 5 find nothing new.
        using var frames = new QueueFrameProvider(16, 16, 0, 1, 2);
        var provider = new EveryNthPollProvider(frames, 3);
        using var target = HeadlessRenderTarget.Create(16, 16);
        var clock = new ManualClock();
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            IdleWait = idleWaitMs >= 0 ? TimeSpan.FromMilliseconds(idleWaitMs) : null,
        }, clock: clock) { IsFixedTimeStep = false };

        viewer.Run();

        Assert.Equal(3, viewer.Stats.FramesPresented);
        Assert.Equal(expectedDraws, viewer.DrawCount);
        Assert.Equal(expectedSleeps, clock.Sleeps);
        Assert.Equal(TimeSpan.FromMilliseconds(Math.Max(idleWaitMs, 0) * expectedSleeps), clock.Elapsed);
        Assert.Equal(0, frames.Pool.Outstanding);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tick_AfterWarmUpWithNoFrameYet_DrawsOnlyWithoutAWarmUp(bool warmUp)
    {
        // The warm-up has drawn and shown the picture: the first tick must not draw it again beside
        // the first live frame's inference (it did: 8 ms of llvmpipe on both of 2 cores).
        var provider = new DelegateFrameProvider(static () => null, static () => false);
        using var target = HeadlessRenderTarget.Create(16, 16);
        var clock = new ManualClock();
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            IdleWait = TimeSpan.FromMilliseconds(1), ExitWhenSourceCompletes = false,
        }, clock: clock) { IsFixedTimeStep = false };
        if (warmUp) viewer.WarmUp(16, 16);

        viewer.Tick();
        viewer.Tick();

        Assert.Equal(warmUp ? 0 : 1, viewer.DrawCount);   // without one, the first tick draws the empty picture once
        Assert.Equal(warmUp ? 2 : 1, clock.Sleeps);
    }

    [Fact]
    public void Press_WhileIdle_RedrawsOnceWithoutANewFrame()
    {
        using var frames = new QueueFrameProvider(16, 16, 0);
        using var target = HeadlessRenderTarget.Create(16, 16);
        var clock = new ManualClock();
        using var viewer = new OverlayViewer(target, frames, options: new OverlayViewerOptions
        {
            IdleWait = TimeSpan.FromMilliseconds(1), ExitWhenSourceCompletes = false,
        }, clock: clock) { IsFixedTimeStep = false };

        viewer.Tick();                // draws frame 0
        viewer.Tick();                // nothing new: sleeps
        viewer.Press(InputKey.O);     // the picture changes without a frame
        viewer.Tick();                // so this tick draws
        viewer.Tick();                // and this one sleeps again

        Assert.Equal(2, viewer.DrawCount);
        Assert.Equal(2, clock.Sleeps);
        Assert.Equal(OverlayMode.Contour, viewer.Settings.Mode);
    }

    [Fact]
    public void Keys_ChangeModeOpacityClassesRecordingAndQuit()
    {
        using var provider = new QueueFrameProvider(16, 16, 0);
        using var target = HeadlessRenderTarget.Create(16, 16);
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions { ExitWhenSourceCompletes = false })
        { IsFixedTimeStep = false };
        var recording = new List<bool>();
        viewer.RecordingToggled += recording.Add;
        foreach (var key in new[] { InputKey.O, InputKey.O, InputKey.Plus, InputKey.D3, InputKey.R, InputKey.Space, InputKey.Escape })
            target.PressKey(key);
        viewer.Run();
        Assert.Equal(OverlayMode.HeatMap, viewer.Settings.Mode);
        Assert.Equal(0.6f, viewer.Settings.Opacity, 3);
        Assert.False(viewer.Settings.IsClassVisible(3));
        Assert.True(viewer.Settings.IsClassVisible(2));
        Assert.Equal([true], recording);
        Assert.True(viewer.IsPaused);
        Assert.True(viewer.IsExiting);
    }

    [Fact]
    public void RequestScreenshot_WritesThePngOfTheNextDraw()
    {
        using var provider = new QueueFrameProvider(20, 10, 0);
        using var target = HeadlessRenderTarget.Create(40, 20);
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions { ShowHud = false }) { IsFixedTimeStep = false };
        string path = Path.Combine(_dir, "shot.png");
        string? saved = null;
        viewer.ScreenshotSaved += p => saved = p;
        viewer.RequestScreenshot(path);
        viewer.Run();
        Assert.Equal(path, saved);
        using var png = Cv2.ImRead(path);
        Assert.Equal((40, 20), (png.Cols, png.Rows));
    }

    [Fact]
    public void Run_SourceStateChangesWithoutFrames_TheHudSaysSoPerStream()
    {
        // Stream 0: an OpenIGTLink-like source that never delivers (connecting, then refused);
        // stream 1: frames, and a source that says nothing. Idle headless loop, HUD refreshed every tick.
        var states = new[] { "connecting to host:18944", "connecting to host:18944", "refused; reconnecting in 2 s", "refused; reconnecting in 2 s · skipped 1 (last: m: bad CRC)" };
        var silent = new StatusProvider(states, completeAfter: 12);
        using var frames = new QueueFrameProvider(16, 16, 0, 1);
        using var target = HeadlessRenderTarget.Create(64, 32);
        var seen = new List<string>();
        using var viewer = new OverlayViewer(target, [silent, frames], options: new OverlayViewerOptions
        {
            IdleWait = TimeSpan.FromMilliseconds(1), HudRefreshInterval = TimeSpan.Zero,
        }, clock: new ManualClock()) { IsFixedTimeStep = false };
        silent.Polled = () => seen.Add(viewer.HudOf(0).Source);

        viewer.Run();

        // Every state reached the HUD although stream 0 never had a frame to draw.
        Assert.Equal(0, viewer.StreamStats[0].FramesPresented);
        foreach (var state in states.Distinct()) Assert.Contains(state, seen);
        Assert.Equal(states[^1], viewer.HudOf(0).Source);
        Assert.Equal("", viewer.HudOf(1).Source);
        Assert.Contains("skipped 1 (last: m: bad CRC)", viewer.HudOf(0).ToLines());
    }

    /// <summary>No frames; its status moves on every poll through <c>states</c> (the last one stays); completed after <c>completeAfter</c> polls.</summary>
    private sealed class StatusProvider(string[] states, int completeAfter) : IFrameProvider
    {
        private int _polls;

        public Action? Polled { get; set; }

        public bool IsCompleted => _polls >= completeAfter;

        public string? SourceStatus => states[Math.Min(_polls, states.Length - 1)];

        public bool TryTakeNewest([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MedSeg.Core.Frames.Frame? frame)
        {
            Polled?.Invoke();
            _polls++;
            frame = null;
            return false;
        }
    }

    /// <summary>Hands out the inner provider's next frame only on every n-th poll, like a pipeline slower than the loop.</summary>
    private sealed class EveryNthPollProvider(QueueFrameProvider inner, int n) : IFrameProvider
    {
        private int _polls;

        public bool IsCompleted => inner.IsCompleted;

        public bool TryTakeNewest([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MedSeg.Core.Frames.Frame? frame)
        {
            frame = null;
            return _polls++ % n == 0 && inner.TryTakeNewest(out frame);
        }
    }

    [Fact]
    public void VideoRecorder_WaitUntilReading_FfmpegIsBlockedOnItsStdinBeforeTheFirstFrame()
    {
        Assert.True(VideoRecorder.FindFfmpeg() is not null, "ffmpeg not installed (Debian: ffmpeg)");
        string path = Path.Combine(_dir, "ahead.mp4");
        using (var recorder = VideoRecorder.Open(path, 32, 24, 25, VideoEncoder.FfmpegH264))
        using (var frame = new Mat(24, 32, MatType.CV_8UC3, new Scalar(10, 20, 30)))
        {
            Assert.True(recorder.WaitUntilReading(TimeSpan.FromSeconds(30)), "ffmpeg never got to reading its input");
            for (int i = 0; i < 3; i++) recorder.Write(frame);
        }
        Assert.Equal(3, FramesIn(path));
    }

    [Fact]
    public void VideoRecorder_Ffmpeg_RunsAtNice19AndTheCallerKeepsItsPriority()
    {
        Assert.True(VideoRecorder.FindFfmpeg() is not null, "ffmpeg not installed (Debian: ffmpeg)");
        int caller = ThreadNice.OfCurrentThread();
        using var recorder = VideoRecorder.Open(Path.Combine(_dir, "nice.mp4"), 32, 24, 25, VideoEncoder.FfmpegH264);
        Assert.True(recorder.WaitUntilReading(TimeSpan.FromSeconds(30)), "ffmpeg never got to reading its input");

        Assert.Equal(19, ThreadNice.Of(recorder.EncoderProcessId!.Value));   // `nice -n 19` adds 19, capped at 19
        Assert.Equal(caller, ThreadNice.OfCurrentThread());
    }

    [Fact]
    public void FileCaptureSink_Prepared_WritesEveryFrameAtThePreparedSize()
    {
        string path = Path.Combine(_dir, "prepared.mp4");
        using (var sink = new FileCaptureSink(path, fps: 25, VideoEncoder.FfmpegH264))
        {
            Assert.False(sink.VideoStarted);
            sink.Prepare(40, 30);
            Assert.True(sink.VideoStarted);   // before any frame
            for (int seq = 0; seq < 4; seq++)
            {
                using var image = new CapturedImage(40, 30, new CaptureRequest(seq, Video: true));
                sink.Write(image);
            }
            Assert.Equal(4, sink.VideoFrames);
            sink.Complete();
        }
        using var capture = new VideoCapture(path);
        Assert.Equal(40, capture.FrameWidth);
        Assert.Equal(4, FramesIn(path));
    }

    [Fact]
    public void FileCaptureSink_PreparedButNeverGivenAFrame_LeavesNoVideo()
    {
        // As before the encoder was started ahead: a run that drew nothing leaves no (frameless) MP4.
        string path = Path.Combine(_dir, "empty.mp4");
        using (var sink = new FileCaptureSink(path, fps: 25, VideoEncoder.FfmpegH264))
        {
            sink.Prepare(40, 30);
            sink.Complete();
        }
        Assert.False(File.Exists(path));
    }

    private static int FramesIn(string path)
    {
        using var capture = new VideoCapture(path);
        int frames = 0;
        using var mat = new Mat();
        while (capture.Read(mat) && !mat.Empty()) frames++;
        return frames;
    }

    [Theory]
    [InlineData(VideoEncoder.FfmpegH264)]
    [InlineData(VideoEncoder.OpenCvMp4v)]
    public void VideoRecorder_WritesFramesThatReadBack(VideoEncoder encoder)
    {
        Assert.True(encoder != VideoEncoder.FfmpegH264 || VideoRecorder.FindFfmpeg() is not null, "ffmpeg not installed (Debian: ffmpeg)");
        string path = Path.Combine(_dir, $"{encoder}.mp4");
        using (var recorder = VideoRecorder.Open(path, 33, 21, 25, encoder))   // odd size: ffmpeg pads to even
        using (var frame = new Mat(21, 33, MatType.CV_8UC3, new Scalar(40, 120, 200)))
        {
            Assert.Equal(encoder, recorder.Encoder);
            for (int i = 0; i < 5; i++) recorder.Write(frame);
        }
        using var capture = new VideoCapture(path);
        using var mat = new Mat();
        Assert.True(capture.Read(mat));
        var centre = mat.At<Vec3b>(10, 16);     // away from ffmpeg's padding row/column
        Assert.InRange(centre.Item0, 28, 52);   // lossy codecs: the colour survives approximately
        Assert.InRange(centre.Item2, 188, 212);
    }

    /// <summary>Records the warm-up reads' sizes and the written frames' sequence numbers (the encoder thread writes, the test reads after it is idle).</summary>
    private sealed class WarmUpCountingSink : ICaptureSink
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(int, int)> _warmUps = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<long> _written = new();

        public List<(int, int)> WarmUps => [.. _warmUps];

        public List<long> Written => [.. _written];

        public void WarmUp(CapturedImage image) => _warmUps.Enqueue((image.Width, image.Height));

        public void Write(CapturedImage image) => _written.Enqueue(image.Request.Seq);

        public void Complete() { }
    }
}
