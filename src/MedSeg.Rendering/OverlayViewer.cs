using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;
using MedSeg.Rendering.Loop;

namespace MedSeg.Rendering;

/// <summary>
/// The live view: a <see cref="GameLoop"/> that takes the newest finished frame of each stream
/// each draw, shows every stream in its own tile (one stream: the whole surface) with its overlay
/// and HUD, and reacts to keys.
/// </summary>
/// <remarks>
/// Inputs: one <see cref="IFrameProvider"/> per stream (never blocks), keys from the surface.
/// Outputs: the surface; optionally PNG snapshots and an MP4 (options); events for R and S.
/// Options: <see cref="OverlayViewerOptions"/>; the overlay look lives in <see cref="Settings"/> (shared by all tiles).
/// Memory: per stream one renderer's textures and a HUD; the programs are shared. Frames are
/// released right after they are drawn (their pixels live on in the textures).
/// Notes: everything here runs on the GL thread (the thread that created the surface), and it
/// only draws: captures are read back asynchronously (<see cref="AsyncReadback"/>, polled with a
/// zero timeout) and written by the encoder thread (<see cref="CaptureEncoder"/>, bounded,
/// drop-oldest), so neither the GPU nor ffmpeg nor the disk ever holds the loop up.
/// Keys: space pause, O mode, +/− opacity, 1–9 classes, R recording, S screenshot, Esc quit.
/// </remarks>
public sealed class OverlayViewer : GameLoop, IDisposable
{
    private readonly IRenderSurface _surface;
    private readonly OverlayViewerOptions _options;
    private readonly OverlayPrograms _programs;
    private readonly StreamView[] _streams;
    private readonly long _hudRefreshTicks;
    private readonly AsyncReadback _readback;
    private readonly CaptureEncoder _encoder;
    private readonly FileCaptureSink? _files;
    private readonly Action<CapturedImage> _post;
    private ViewportRect[] _tiles = [];
    private int _tilesWidth, _tilesHeight;
    private long _nextHudRefresh, _nextSourceCheck, _freshDraws, _swapStart;
    // The next draw refreshes the HUD whatever its interval says (a source's state changed).
    private bool _hudStale;
    private string? _screenshotPath;
    private bool _screenshotRequested;
    // Something other than a new frame changed the picture (a key, a screenshot request) since the last draw.
    private bool _changed = true;
    private CaptureSummary? _captureSummary;
    // WarmUp's ticks: each stream draws this blank frame instead of taking one from its provider.
    private Func<Frame>? _warmUpFrame;

    public OverlayViewer(IRenderSurface surface, IFrameProvider provider, OverlaySettings? settings = null,
        OverlayViewerOptions? options = null, IGameClock? clock = null)
        : this(surface, [provider ?? throw new ArgumentNullException(nameof(provider))], settings, options, clock)
    {
    }

    /// <summary>A tiled view of several streams (<see cref="TileLayout.Grid"/>), one viewport and HUD each.</summary>
    public OverlayViewer(IRenderSurface surface, IReadOnlyList<IFrameProvider> providers, OverlaySettings? settings = null,
        OverlayViewerOptions? options = null, IGameClock? clock = null) : base(clock)
    {
        _surface = surface ?? throw new ArgumentNullException(nameof(surface));
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentOutOfRangeException.ThrowIfZero(providers.Count, nameof(providers));
        _options = options ?? new OverlayViewerOptions();
        _options.Validate();
        Settings = settings ?? new OverlaySettings();
        var gl = surface.Gl;
        _programs = new OverlayPrograms(gl, _options.ShaderDirectory);
        _streams = new StreamView[providers.Count];
        try
        {
            for (int i = 0; i < _streams.Length; i++)
                _streams[i] = new StreamView(i, providers[i], new OverlayRenderer(gl, _programs),
                    _options.ShowHud ? new HudRenderer(gl, _options.ShaderDirectory) : null, _options.LatencyWindow);
        }
        catch
        {
            foreach (var s in _streams) s?.Dispose();
            _programs.Dispose();
            throw;
        }
        _hudRefreshTicks = (long)(_options.HudRefreshInterval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _readback = new AsyncReadback(gl, _options.ReadbackRing);
        ICaptureSink sink;
        if (_options.CaptureSink is { } custom) sink = custom;
        else
        {
            _files = new FileCaptureSink(_options.VideoPath, _options.VideoFps, _options.VideoEncoder);
            _files.ScreenshotSaved += path => ScreenshotSaved?.Invoke(path);
            sink = _files;
        }
        // The video's size is the surface's: its ffmpeg starts now, on the encoder thread, rather than at the first live frame.
        (int, int)? videoSize = _options.VideoPath is not null && surface.Width > 0 && surface.Height > 0 ? (surface.Width, surface.Height) : null;
        _encoder = new CaptureEncoder(sink, _options.EncoderQueue, prepare: videoSize);
        _post = _encoder.Post;
    }

    /// <summary>R was pressed; the argument is the new state (true = record). The recorder is the caller's.</summary>
    public event Action<bool>? RecordingToggled;

    /// <summary>A screenshot was written (path). Raised on the encoder thread, at the latest before <see cref="GameLoop.Run"/> returns.</summary>
    public event Action<string>? ScreenshotSaved;

    public OverlaySettings Settings { get; }

    /// <summary>The first stream's renderer.</summary>
    public OverlayRenderer Renderer => _streams[0].Renderer;

    /// <summary>The first stream's counters (the only stream's, untiled).</summary>
    public PresentationStats Stats => _streams[0].Stats;

    /// <summary>Counters per stream, in provider order.</summary>
    public IReadOnlyList<PresentationStats> StreamStats => Array.ConvertAll(_streams, static s => s.Stats);

    /// <summary>What stream <paramref name="stream"/>'s HUD showed in the last draw.</summary>
    public HudInfo HudOf(int stream) => _streams[stream].HudInfo;

    /// <summary>Where each stream is drawn in the last drawn frame (GL convention), in provider order.</summary>
    public IReadOnlyList<ViewportRect> Tiles => _tiles;

    /// <summary>Captures asked for, skipped, dropped and written so far (final once <see cref="GameLoop.Run"/> returned).</summary>
    public CaptureSummary Capture => _captureSummary ?? _encoder.Summary(_readback.Requested, _readback.Skipped);

    /// <summary>Space: the view keeps the current frame and takes no new ones.</summary>
    public bool IsPaused { get; set; }

    /// <summary>R toggles it and raises <see cref="RecordingToggled"/>; the owner sets the initial state.</summary>
    public bool IsRecording { get; set; }

    /// <summary>Saves the next drawn frame as PNG (to <paramref name="path"/> or the screenshot folder).</summary>
    public void RequestScreenshot(string? path = null) => (_screenshotRequested, _screenshotPath, _changed) = (true, path, true);

    /// <summary>The first stream's summary with what happened to the captures.</summary>
    public PresentationSummary Summarize() => Stats.Summarize() with { Capture = Capture, Frames = _streams[0].Timeline.Entries() };

    /// <summary>
    /// Runs the loop's own ticks (<see cref="AsyncReadback"/>'s ring size of them) over a black
    /// <paramref name="width"/> × <paramref name="height"/> frame with an empty mask per stream:
    /// upload, the current mode's programs, the HUD's refresh, a read-back into each buffer of the
    /// ring, the swap, the statistics, and the read-backs through the encoder queue to the sink's
    /// <see cref="ICaptureSink.WarmUp"/> (a PNG into a scratch file, deleted). Then it waits for the GPU, the
    /// encoder thread and the video's encoder process, and forgets the warm-up's counts. The first
    /// live frames then pay neither for the driver compiling shaders at their first draw, nor for
    /// the JIT compiling the live draw and capture paths, nor for ffmpeg's start-up. Call it once
    /// before the frames start; nothing of it is counted (<see cref="Capture"/>, <see cref="Stats"/>,
    /// <see cref="GameLoop.DrawCount"/>) or written to the session's files.
    /// </summary>
    /// <remarks>Measured under Xvfb: without any warm-up, the first live frames spent 20–90 ms in the draw (median 6 ms),
    /// and p99 of a 250-frame run is its third-worst frame. With ffmpeg started at the first video
    /// frame instead, frames 0–3 were a run's four slowest (draw +8 to +25 ms on 2 cores). With a
    /// warm-up that drew through its own code rather than the loop's, the GL thread still compiled
    /// 48 methods (7 ms) in frame 0's draw, other threads 15–20 ms more before frame 1's (the capture
    /// path, the first PNG), and frames 0 and 1 reached the screen 1.4× slower than the median
    /// (42 runs; draws 1.5×).</remarks>
    public void WarmUp(int width, int height, PixelFormat format = PixelFormat.Gray8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        using var pool = new FramePool(maxRetained: 1);
        _warmUpFrame = () => BlankFrame(pool, width, height, format);
        try
        {
            // The window system's first events (the window mapped and exposed) ask for a redraw:
            // answered by these draws, so the loop's first tick does not draw an unchanged picture
            // beside the first live frame's inference (on 2 cores, 8 ms of llvmpipe on both cores).
            PollEvents();
            for (int i = 0; i < _options.ReadbackRing && !IsExiting; i++) Tick();
            _readback.Drain(_post);
        }
        finally
        {
            _warmUpFrame = null;
        }
        _readback.ResetCounters();
        foreach (var stream in _streams) stream.ResetCounters();
        (_freshDraws, _nextHudRefresh, _changed) = (0, 0, false);
        ResetCounts();
        _surface.Gl.Finish();
        _encoder.WaitIdle(TimeSpan.FromSeconds(2));
        // The MP4's encoder process is up and waiting for input (a failed start is reported by the encoder at the end, as before).
        _encoder.WaitPrepared(TimeSpan.FromSeconds(5));
    }

    private static Frame BlankFrame(FramePool pool, int width, int height, PixelFormat format)
    {
        var frame = pool.Rent(new FrameInfo(-1, TimeSpan.Zero, width, height, format));
        frame.Times.Captured = StageTimes.Now();
        frame.Pixels.Clear();
        frame.AllocateOutputs(width, height);
        frame.Labels.Clear();
        frame.Foreground.Clear();
        return frame;
    }

    /// <summary>Applies one key command (what the keyboard does; also for scripted runs).</summary>
    public void Press(InputKey key)
    {
        _changed = true;
        switch (key)
        {
            case InputKey.Space: IsPaused = !IsPaused; break;
            case InputKey.O: Settings.CycleMode(); break;
            case InputKey.Plus: Settings.Opacity += _options.OpacityStep; break;
            case InputKey.Minus: Settings.Opacity -= _options.OpacityStep; break;
            case >= InputKey.D1 and <= InputKey.D9: Settings.ToggleClass(key - InputKey.D1 + 1); break;
            case InputKey.R:
                IsRecording = !IsRecording;
                RecordingToggled?.Invoke(IsRecording);
                break;
            case InputKey.S: RequestScreenshot(); break;
            case InputKey.Escape: Exit(); break;
        }
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _files?.Dispose();
        _readback.Dispose();
        foreach (var stream in _streams) stream.Dispose();
        _programs.Dispose();
    }

    protected override void PollEvents()
    {
        _surface.PollEvents();
        if (_surface.CloseRequested) Exit();
    }

    protected override void Update(FrameTime time)
    {
        // Key commands are game state: applied in fixed steps, like MonoGame's input handling.
        while (_surface.TryTakeKey(out var key)) Press(key);
    }

    protected override bool BeginDraw()
    {
        // Finished read-backs go to the encoder every tick, drawn or not; a pending one is left for later.
        _readback.Collect(_post);
        bool fresh = false;
        foreach (var stream in _streams)
        {
            if (_warmUpFrame is { } blank)
            {
                // A warm-up tick: the provider's frames are the run's, and its state is not looked at yet.
                (stream.Fresh, stream.TakenAt, fresh) = (blank(), StageTimes.Now(), true);
                continue;
            }
            // Read "completed" before taking: a frame posted before completion is then surely seen.
            stream.SourceCompleted = stream.Provider.IsCompleted;
            if (!IsPaused && stream.Provider.TryTakeNewest(out var frame))
            {
                stream.Fresh = frame;
                stream.TakenAt = StageTimes.Now();
                fresh = true;
            }
        }
        if (fresh || _changed || _surface.NeedsRedraw || _options.IdleWait is not { } idle || SourceStatusChanged()) return true;
        // Nothing new: the picture would be the same, so don't draw it again.
        if (SourceDone) Exit();
        else if (idle > TimeSpan.Zero) Idle(idle);
        return false;
    }

    protected override void Draw(FrameTime time)
    {
        bool fresh = false;
        long drawStart = StageTimes.Now();
        try
        {
            foreach (var stream in _streams)
            {
                if (stream.Fresh is not { } frame) continue;
                stream.Renderer.Upload(frame, probabilities: Settings.Mode == OverlayMode.HeatMap || Settings.SmoothEdges);
                fresh = true;
            }
            _changed = false;
            DrawFrame(fresh);
            if (fresh)
            {
                long presented = StageTimes.Now();
                foreach (var stream in _streams)
                {
                    // The viewer keeps its Presented stamp in its own statistics: the frame is shared with the other sinks.
                    if (stream.Fresh is not { } frame) continue;
                    stream.Stats.OnPresented(frame.Info.Seq, frame.ReadOnlyTimes, presented);
                    stream.Timeline.Record(frame.Info.Seq, frame.ReadOnlyTimes, stream.TakenAt, drawStart, _swapStart, presented);
                }
            }
        }
        finally
        {
            foreach (var stream in _streams)
            {
                stream.Fresh?.Dispose();
                stream.Fresh = null;
            }
        }
        if (_warmUpFrame is not null) return;   // the warm-up's draws end nothing
        if (_options.MaxFrames > 0 && EveryStreamReached(_options.MaxFrames)) Exit();
        if (!fresh && SourceDone) Exit();
    }

    /// <summary>Each stream has drawn <paramref name="frames"/> new frames or its source ended.</summary>
    private bool EveryStreamReached(long frames)
    {
        foreach (var stream in _streams)
            if (stream.Stats.FramesPresented < frames && !stream.SourceCompleted) return false;
        return true;
    }

    /// <summary>Every source ended (as read before this tick's take) and the view should close with them.</summary>
    private bool SourceDone => _options.ExitWhenSourceCompletes && !IsPaused && Array.TrueForAll(_streams, static s => s.SourceCompleted);

    protected override void OnExiting()
    {
        // The end of the run may wait: finish the reads, the queue and the MP4, so the files are
        // complete (and a failed encode throws) when Run returns.
        _readback.Drain(_post);
        _encoder.Complete();
        _captureSummary = _encoder.Summary(_readback.Requested, _readback.Skipped);
    }

    private void DrawFrame(bool fresh)
    {
        int width = _surface.Width, height = _surface.Height;
        if (width <= 0 || height <= 0) return;   // minimised window
        uint fbo = _surface.Framebuffer;
        bool refreshHud = RefreshDue() | _hudStale;
        _hudStale = false;
        DrawTiles(fbo, width, height, refreshHud);
        var request = _warmUpFrame is not null ? new CaptureRequest(-1, Video: false, WarmUp: true)
            : new CaptureRequest(_streams[0].Fresh?.Info.Seq ?? _streams[0].Stats.LastSeq,
                Video: fresh && _options.VideoPath is not null,
                SnapshotPath: fresh && _options.SnapshotEvery > 0 && _freshDraws % _options.SnapshotEvery == 0
                    ? Path.Combine(_options.SnapshotDirectory!, $"overlay_{_freshDraws:D6}.png") : null,
                ScreenshotPath: _screenshotRequested ? ScreenshotPath() : null);
        // Read before Present: a window's back buffer is undefined after the swap.
        if (!request.IsEmpty) _readback.Begin(fbo, width, height, request);
        // A screenshot asked for before the warm-up is taken by the first live draw.
        if (!request.WarmUp)
        {
            if (fresh) _freshDraws++;
            _screenshotRequested = false;
        }
        _swapStart = StageTimes.Now();
        _surface.Present();
    }

    /// <summary>Every stream's overlay and HUD into its tile of the <paramref name="width"/> × <paramref name="height"/> framebuffer.</summary>
    private void DrawTiles(uint fbo, int width, int height, bool refreshHud)
    {
        if (width != _tilesWidth || height != _tilesHeight || _tiles.Length != _streams.Length)
            (_tiles, _tilesWidth, _tilesHeight) = (TileLayout.Grid(_streams.Length, width, height), width, height);
        for (int i = 0; i < _streams.Length; i++)
        {
            var stream = _streams[i];
            stream.Renderer.Draw(fbo, _tiles[i], Settings);
            if (stream.Hud is null) continue;
            if (refreshHud) stream.HudInfo = HudFor(stream);
            stream.Hud.Draw(fbo, _tiles[i], stream.HudInfo);
        }
    }

    private string ScreenshotPath() => _screenshotPath ?? Path.Combine(_options.ScreenshotDirectory,
        string.Create(CultureInfo.InvariantCulture, $"screenshot_{DateTime.Now:yyyyMMdd_HHmmss}_{_streams[0].Stats.LastSeq}.png"));

    /// <summary>
    /// A source's state changed while no frame comes (connecting, lost, reconnecting in N s): the
    /// HUD must say so even though the picture is the same. Checked once per HUD interval.
    /// </summary>
    private bool SourceStatusChanged()
    {
        if (!_options.ShowHud) return false;
        long now = StageTimes.Now();
        if (now < _nextSourceCheck) return false;
        _nextSourceCheck = now + _hudRefreshTicks;
        foreach (var stream in _streams)
            if ((stream.Provider.SourceStatus ?? "") != stream.HudInfo.Source) return _hudStale = true;
        return false;
    }

    private bool RefreshDue()
    {
        long now = StageTimes.Now();
        if (now < _nextHudRefresh) return false;
        _nextHudRefresh = now + _hudRefreshTicks;
        return true;
    }

    private HudInfo HudFor(StreamView stream)
    {
        var stats = stream.Stats;
        var latency = stats.Sample(StageTimes.Now());
        string prefix = _streams.Length > 1 ? string.Create(CultureInfo.InvariantCulture, $"stream {stream.Index}  ") : "";
        string status = string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{Settings.Mode} {Settings.Opacity * 100:0}%{(IsPaused ? "  PAUSED" : "")}{(IsRecording ? "  REC" : "")}");
        return new HudInfo
        {
            Fps = stats.Fps,
            LatencyMedianMs = latency.Median,
            LatencyP99Ms = latency.P99,
            DroppedFrames = stats.DroppedFrames,
            ModelName = _options.ModelName,
            Device = _options.Device,
            FrameNumber = stats.LastSeq,
            Status = status,
            Source = stream.Provider.SourceStatus ?? "",
        };
    }
}
