using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using OpenCvSharp;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;

namespace MedSeg.Rendering.Tests;

/// <summary>The capture path: asynchronous read-back (real Mesa), the drop-oldest queue, the encoder thread, and a viewer whose encoder is slow.</summary>
public sealed class CaptureTests
{
    // Odd sizes on purpose: rows of 3 × 61 bytes are not 4-byte aligned.
    private const int W = 61, H = 47;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void AsyncReadback_EveryFrame_EqualsTheSynchronousReadPixelsOfThatFrame(int ring)
    {
        using var target = HeadlessRenderTarget.Create(W, H);
        using var renderer = new OverlayRenderer(target.Gl);
        using var readback = new AsyncReadback(target.Gl, ring);
        var settings = new OverlaySettings { Opacity = 0.7f };
        var expected = new Dictionary<long, byte[]>();
        var collected = new List<CapturedImage>();
        try
        {
            for (int seq = 0; seq < 5; seq++)
            {
                var rng = new Random(seq);
                var pixels = new byte[W * H];
                var labels = new byte[W * H];
                rng.NextBytes(pixels);
                for (int i = 0; i < labels.Length; i++) labels[i] = (byte)rng.Next(0, 3);
                renderer.Upload(new RenderFrame(pixels, W, H, CorePixelFormat.Gray8, labels, W, H));
                renderer.Draw(target.Framebuffer, W, H, settings);
                if (readback.Pending == ring) readback.Drain(collected.Add);   // make room, so every frame is read
                Assert.True(readback.Begin(target.Framebuffer, W, H, new CaptureRequest(seq, Video: true)));
                expected[seq] = SyncBgr(target);
                readback.Collect(collected.Add);
            }
            readback.Drain(collected.Add);

            Assert.Equal([0L, 1, 2, 3, 4], collected.Select(c => c.Request.Seq));
            Assert.Equal(0, readback.Skipped);
            foreach (var image in collected)
            {
                Assert.Equal((W, H), (image.Width, image.Height));
                Assert.True(expected[image.Request.Seq].AsSpan().SequenceEqual(image.Bgr), $"frame {image.Request.Seq} differs from glReadPixels");
            }
        }
        finally
        {
            foreach (var image in collected) image.Dispose();
        }
    }

    [Fact]
    public void AsyncReadback_RingFull_SkipsAndCountsWithoutWaiting()
    {
        using var target = HeadlessRenderTarget.Create(W, H);
        using var readback = new AsyncReadback(target.Gl, ring: 2);
        Assert.True(readback.Begin(target.Framebuffer, W, H, new CaptureRequest(0, Video: true)));
        Assert.True(readback.Begin(target.Framebuffer, W, H, new CaptureRequest(1, Video: true)));
        Assert.False(readback.Begin(target.Framebuffer, W, H, new CaptureRequest(2, Video: true)));   // nothing collected yet
        var seqs = new List<long>();
        readback.Drain(image => { seqs.Add(image.Request.Seq); image.Dispose(); });
        Assert.Equal([0L, 1], seqs);
        Assert.Equal((3, 1, 0), (readback.Requested, readback.Skipped, readback.Pending));
    }

    [Fact]
    public void DropOldestQueue_Full_DropsTheOldestAndCountsThem()
    {
        var dropped = new List<int>();
        var queue = new DropOldestQueue<Box>(3, b => dropped.Add(b.Value));
        for (int i = 1; i <= 10; i++) Assert.True(queue.Add(new Box(i)));
        queue.Complete();
        Assert.False(queue.Add(new Box(11)));   // refused after completion, released, not counted as dropped
        var taken = new List<int>();
        while (queue.TryTake(out var b)) taken.Add(b.Value);
        Assert.Equal([8, 9, 10], taken);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 11], dropped);
        Assert.Equal(7, queue.Dropped);
    }

    [Fact]
    public void CaptureEncoder_SinkBusy_DropsTheOldestQueuedAndWritesTheNewest()
    {
        var sink = new GateSink();
        using var encoder = new CaptureEncoder(sink, capacity: 4);
        encoder.Post(Image(1));
        Assert.True(sink.Entered.Wait(TimeSpan.FromSeconds(30)), "the encoder thread never took the first frame");
        for (int seq = 2; seq <= 10; seq++) encoder.Post(Image(seq));   // the sink is blocked in frame 1: these queue, the oldest drop
        sink.Gate.Set();
        encoder.Complete();

        Assert.Equal([1L, 7, 8, 9, 10], sink.Written);
        Assert.Equal(new CaptureSummary(0, 0, Dropped: 5, Written: 5, Failed: 0), encoder.Summary());
        Assert.True(sink.Completed);
    }

    [Fact]
    public void CaptureEncoder_WarmUpRead_GoesToTheSinksWarmUpCountedNowhere_AndItsFailureFailsNoFrame()
    {
        var sink = new GateSink { ThrowOnWarmUp = true };
        sink.Gate.Set();
        using var encoder = new CaptureEncoder(sink, capacity: 4);
        encoder.Post(new CapturedImage(4, 2, new CaptureRequest(-1, Video: false, WarmUp: true)));
        Assert.True(encoder.WaitIdle(TimeSpan.FromSeconds(30)), "the warm-up read was never taken");

        Assert.Equal(1, sink.WarmUps);
        Assert.Empty(sink.Written);
        Assert.Equal(0, encoder.Posted);
        Assert.Equal(new CaptureSummary(0, 0, 0, 0, 0), encoder.Summary());

        encoder.Post(Image(0));
        encoder.Complete();   // would rethrow a failure
        Assert.Equal([0L], sink.Written);
        Assert.Equal(new CaptureSummary(0, 0, Dropped: 0, Written: 1, Failed: 0), encoder.Summary());
    }

    [Fact]
    public void CaptureEncoder_WaitIdle_ReturnsOnlyOnceEveryPostedImageIsWritten()
    {
        var sink = new GateSink();
        using var encoder = new CaptureEncoder(sink, capacity: 4);
        encoder.Post(Image(1));
        encoder.Post(Image(2));
        Assert.True(sink.Entered.Wait(TimeSpan.FromSeconds(30)), "the encoder thread never took the first frame");
        Assert.False(encoder.WaitIdle(TimeSpan.FromMilliseconds(50)));   // the sink still holds frame 1
        sink.Gate.Set();
        Assert.True(encoder.WaitIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal([1L, 2], sink.Written);
    }

    [Fact]
    public void CaptureEncoder_SinkThrows_CountsTheRestAsFailedAndCompleteRethrows()
    {
        var sink = new GateSink { FailAt = 2 };
        sink.Gate.Set();
        var encoder = new CaptureEncoder(sink, capacity: 8);
        for (int seq = 1; seq <= 4; seq++) encoder.Post(Image(seq));
        var e = Assert.Throws<IOException>(encoder.Complete);
        Assert.Contains("frame 2 refused", e.Message);
        Assert.Equal(new CaptureSummary(0, 0, 0, Written: 1, Failed: 3), encoder.Summary());
    }

    [Fact]
    public void CaptureEncoder_Thread_RunsAtTheCallersPriority()
    {
        var sink = new NiceRecordingSink();
        var encoder = new CaptureEncoder(sink, capacity: 2, prepare: (8, 8));
        encoder.Post(Image(1));
        encoder.Complete();

        int caller = ThreadNice.OfCurrentThread();
        Assert.Equal(caller, sink.PrepareNice);
        Assert.Equal(caller, sink.WriteNice);
    }

    [Fact]
    public void CaptureEncoder_ThreadsStartedFromTheEncoderThread_RunAtTheCallersPriority()
    {
        // A thread inherits its creator's nice value, and the runtime starts its pool workers, timer
        // and socket threads on whichever thread first needs them (ffmpeg's start did, on the
        // encoder thread): a niced encoder thread once put the whole pipeline at nice 10.
        var sink = new NiceRecordingSink { StartThread = true };
        var encoder = new CaptureEncoder(sink, capacity: 2, prepare: (8, 8));
        encoder.Post(Image(1));
        encoder.Complete();

        Assert.Equal(ThreadNice.OfCurrentThread(), sink.StartedThreadNice);
    }

    private sealed class NiceRecordingSink : ICaptureSink
    {
        public bool StartThread { get; init; }

        public int PrepareNice { get; private set; } = int.MinValue;

        public int WriteNice { get; private set; } = int.MinValue;

        public int StartedThreadNice { get; private set; } = int.MinValue;

        public void Prepare(int width, int height) => PrepareNice = ThreadNice.OfCurrentThread();

        public void Write(CapturedImage image)
        {
            WriteNice = ThreadNice.OfCurrentThread();
            if (!StartThread) return;
            var thread = new Thread(() => StartedThreadNice = ThreadNice.OfCurrentThread());
            thread.Start();
            thread.Join();
        }

        public void Complete() { }
    }

    [Fact]
    public void CaptureEncoder_Prepare_RunsOnTheEncoderThreadBeforeTheFirstWrite()
    {
        int caller = Environment.CurrentManagedThreadId;
        var sink = new PrepareRecordingSink();
        var encoder = new CaptureEncoder(sink, capacity: 2, prepare: (640, 480));
        Assert.True(encoder.WaitPrepared(TimeSpan.FromSeconds(30)), "the encoder thread never prepared the sink");
        Assert.Equal(["prepare 640x480"], sink.Calls);   // before any frame was posted
        encoder.Post(Image(1));
        encoder.Complete();

        Assert.Equal(["prepare 640x480", "write 1", "complete"], sink.Calls);
        Assert.NotEqual(caller, sink.PrepareThread);   // the encoder thread, not the posting (GL) thread
    }

    [Fact]
    public void CaptureEncoder_NoPrepareSize_NeverCallsPrepareAndWaitReturnsAtOnce()
    {
        var sink = new PrepareRecordingSink();
        var encoder = new CaptureEncoder(sink, capacity: 2);
        Assert.True(encoder.WaitPrepared(TimeSpan.FromSeconds(30)));
        encoder.Post(Image(1));
        encoder.Complete();

        Assert.Equal(["write 1", "complete"], sink.Calls);
    }

    [Fact]
    public void CaptureEncoder_PrepareThrows_LaterFramesFailAndCompleteRethrows()
    {
        var sink = new PrepareRecordingSink { PrepareFails = true };
        var encoder = new CaptureEncoder(sink, capacity: 4, prepare: (8, 8));
        Assert.True(encoder.WaitPrepared(TimeSpan.FromSeconds(30)));   // a failed prepare still ends the wait
        encoder.Post(Image(1));
        encoder.Post(Image(2));
        var e = Assert.Throws<IOException>(encoder.Complete);

        Assert.Contains("no encoder here", e.Message);
        Assert.Equal(new CaptureSummary(0, 0, 0, Written: 0, Failed: 2), encoder.Summary());
    }

    private sealed class PrepareRecordingSink : ICaptureSink
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public bool PrepareFails { get; init; }

        public int PrepareThread { get; private set; }

        public List<string> Calls => [.. _calls];

        public void Prepare(int width, int height)
        {
            PrepareThread = Environment.CurrentManagedThreadId;
            _calls.Enqueue($"prepare {width}x{height}");
            if (PrepareFails) throw new InvalidOperationException("no encoder here");
        }

        public void Write(CapturedImage image) => _calls.Enqueue($"write {image.Request.Seq}");

        public void Complete() => _calls.Enqueue("complete");
    }

    [Fact]
    public void Viewer_EncoderBlocked_KeepsDrawingAndDropsOldestCaptures()
    {
        // The encoder is stuck in its first frame for the whole stream: the loop must still show
        // every frame, and only the newest captures survive in the queue.
        const int frames = 20, queue = 3;
        var sink = new GateSink();
        using var inner = new QueueFrameProvider(16, 16, Enumerable.Range(0, frames).Select(i => (long)i).ToArray());
        long presentedWhileBlocked = -1, writtenWhileBlocked = -1;
        OverlayViewer? viewerRef = null;
        var provider = new LastFrameHook(inner, () =>
        {
            // Called as the last frame is taken; the sink has not been released yet.
            presentedWhileBlocked = viewerRef!.Stats.FramesPresented;
            writtenWhileBlocked = sink.Written.Count;
            sink.Gate.Set();
        });
        using var target = HeadlessRenderTarget.Create(32, 32);
        using var viewer = new OverlayViewer(target, provider, options: new OverlayViewerOptions
        {
            ShowHud = false, VideoPath = "unused.mp4", CaptureSink = sink, EncoderQueue = queue,
        }) { IsFixedTimeStep = false };
        viewerRef = viewer;

        viewer.Run();

        Assert.Equal(frames - 1, presentedWhileBlocked);   // every earlier frame was drawn while the encoder was stuck
        Assert.Equal(0, writtenWhileBlocked);
        Assert.Equal(frames, viewer.Stats.FramesPresented);
        var c = viewer.Capture;
        Assert.Equal(frames, c.Requested);
        Assert.Equal(c.Requested - c.Skipped, c.Dropped + c.Written + c.Failed);   // every read-back is accounted for
        // While the sink was stuck in one frame, at most `queue` more could wait; the last frame's read may arrive after the release.
        Assert.True(c.Dropped >= frames - c.Skipped - queue - 2, $"expected the queue to drop, got {c}");
        Assert.Equal(sink.Written.Order(), sink.Written);                       // oldest dropped, order kept
        Assert.Equal(frames - 1, sink.Written[^1]);                             // the newest frame survives
        Assert.Equal(0, inner.Pool.Outstanding);
    }

    private static CapturedImage Image(long seq) => new(4, 2, new CaptureRequest(seq, Video: true));

    private static byte[] SyncBgr(HeadlessRenderTarget target)
    {
        using var bgr = new Mat();
        FramebufferCapture.ReadBgr(target.Gl, target.Framebuffer, target.Width, target.Height, bgr);
        var bytes = new byte[target.Width * target.Height * 3];
        System.Runtime.InteropServices.Marshal.Copy(bgr.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    private sealed record Box(int Value);

    /// <summary>A deliberately slow sink: every write waits for <see cref="Gate"/>.</summary>
    private sealed class GateSink : ICaptureSink
    {
        private readonly ConcurrentQueue<long> _written = new();

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Gate { get; } = new();

        public long FailAt { get; init; } = -1;

        public bool Completed { get; private set; }

        public bool ThrowOnWarmUp { get; init; }

        public int WarmUps { get; private set; }

        public List<long> Written => [.. _written];

        public void WarmUp(CapturedImage image)
        {
            WarmUps++;
            if (ThrowOnWarmUp) throw new InvalidOperationException("warm-up refused");
        }

        public void Write(CapturedImage image)
        {
            Entered.Set();
            // Bounded, so a broken loop fails the test instead of hanging the run.
            if (!Gate.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException("the test never released the sink");
            if (image.Request.Seq == FailAt) throw new InvalidOperationException($"frame {FailAt} refused");
            Assert.Equal(image.Width * image.Height * 3, image.Bgr.Length);
            _written.Enqueue(image.Request.Seq);
        }

        public void Complete() => Completed = true;
    }

    /// <summary>Calls <paramref name="onLast"/> when the inner provider hands out its last frame.</summary>
    private sealed class LastFrameHook(QueueFrameProvider inner, Action onLast) : IFrameProvider
    {
        public bool IsCompleted => inner.IsCompleted;

        public bool TryTakeNewest([NotNullWhen(true)] out Frame? frame)
        {
            if (!inner.TryTakeNewest(out frame)) return false;
            if (inner.IsCompleted) onLast();
            return true;
        }
    }
}
