using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Rendering.Capture;
using MedSeg.Rendering.Context;
using MedSeg.Rendering.Hud;
using MedSeg.Rendering.Loop;
using OpenCvSharp;

namespace MedSeg.Rendering;

/// <summary>
/// The live view: a <see cref="GameLoop"/> that takes the newest finished frame each draw,
/// shows it with its overlay and HUD, and reacts to keys.
/// </summary>
/// <remarks>
/// Inputs: an <see cref="IFrameProvider"/> (never blocks), keys from the surface.
/// Outputs: the surface; optionally PNG snapshots and an MP4 (options); events for R and S.
/// Options: <see cref="OverlayViewerOptions"/>; the overlay look lives in <see cref="Settings"/>.
/// Memory: one read-back Mat reused for snapshots and video; frames are released right after
/// they are drawn (their pixels live on in the textures).
/// Notes: everything here runs on the GL thread (the thread that created the surface).
/// Keys: space pause, O mode, +/− opacity, 1–9 classes, R recording, S screenshot, Esc quit.
/// </remarks>
public sealed class OverlayViewer : GameLoop, IDisposable
{
    private readonly IRenderSurface _surface;
    private readonly IFrameProvider _provider;
    private readonly OverlayViewerOptions _options;
    private readonly HudRenderer? _hud;
    private readonly PresentationStats _stats;
    private readonly Mat _capture = new();
    private readonly long _hudRefreshTicks;
    private VideoRecorder? _video;
    private HudInfo _hudInfo = new();
    private long _nextHudRefresh;
    private string? _screenshotPath;
    private bool _screenshotRequested;
    // Something other than a new frame changed the picture (a key, a screenshot request) since the last draw.
    private bool _changed = true;
    // Taken by BeginDraw, drawn and released by Draw in the same tick.
    private Frame? _fresh;
    private bool _sourceCompleted;

    public OverlayViewer(IRenderSurface surface, IFrameProvider provider, OverlaySettings? settings = null,
        OverlayViewerOptions? options = null, IGameClock? clock = null) : base(clock)
    {
        _surface = surface ?? throw new ArgumentNullException(nameof(surface));
        _provider = provider ?? throw new ArgumentNullException(nameof(provider));
        _options = options ?? new OverlayViewerOptions();
        _options.Validate();
        Settings = settings ?? new OverlaySettings();
        Renderer = new OverlayRenderer(surface.Gl, _options.ShaderDirectory);
        if (_options.ShowHud) _hud = new HudRenderer(surface.Gl, _options.ShaderDirectory);
        _stats = new PresentationStats(_options.LatencyWindow);
        _hudRefreshTicks = (long)(_options.HudRefreshInterval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    }

    /// <summary>R was pressed; the argument is the new state (true = record). The recorder is the caller's.</summary>
    public event Action<bool>? RecordingToggled;

    /// <summary>A screenshot was written (path).</summary>
    public event Action<string>? ScreenshotSaved;

    public OverlaySettings Settings { get; }

    public OverlayRenderer Renderer { get; }

    public PresentationStats Stats => _stats;

    /// <summary>Space: the view keeps the current frame and takes no new ones.</summary>
    public bool IsPaused { get; set; }

    /// <summary>R toggles it and raises <see cref="RecordingToggled"/>; the owner sets the initial state.</summary>
    public bool IsRecording { get; set; }

    /// <summary>Saves the next drawn frame as PNG (to <paramref name="path"/> or the screenshot folder).</summary>
    public void RequestScreenshot(string? path = null) => (_screenshotRequested, _screenshotPath, _changed) = (true, path, true);

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
        _fresh?.Dispose();
        _video?.Dispose();
        _hud?.Dispose();
        Renderer.Dispose();
        _capture.Dispose();
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
        // Read "completed" before taking: a frame posted before completion is then surely seen.
        _sourceCompleted = _provider.IsCompleted;
        if (!IsPaused && _provider.TryTakeNewest(out _fresh)) return true;
        if (_changed || _surface.NeedsRedraw || _options.IdleWait is not { } idle) return true;
        // Nothing new: the picture would be the same, so don't draw it again.
        if (SourceDone) Exit();
        else if (idle > TimeSpan.Zero) Idle(idle);
        return false;
    }

    protected override void Draw(FrameTime time)
    {
        var frame = _fresh;
        _fresh = null;
        try
        {
            if (frame is not null) Renderer.Upload(frame, probabilities: Settings.Mode == OverlayMode.HeatMap);
            _changed = false;
            DrawFrame(fresh: frame is not null);
            if (frame is not null)
            {
                long presented = StageTimes.Now();
                _stats.OnPresented(frame.Info.Seq, frame.Times, presented);
            }
        }
        finally
        {
            frame?.Dispose();
        }
        if (_options.MaxFrames > 0 && _stats.FramesPresented >= _options.MaxFrames) Exit();
        if (frame is null && SourceDone) Exit();
    }

    /// <summary>The source ended (as read before this tick's take) and the view should close with it.</summary>
    private bool SourceDone => _sourceCompleted && _options.ExitWhenSourceCompletes && !IsPaused;

    protected override void OnExiting()
    {
        // Finish the MP4 now, so the file is complete when Run returns.
        _video?.Dispose();
        _video = null;
    }

    private void DrawFrame(bool fresh)
    {
        int width = _surface.Width, height = _surface.Height;
        if (width <= 0 || height <= 0) return;   // minimised window
        uint fbo = _surface.Framebuffer;
        var gl = _surface.Gl;
        Renderer.Draw(fbo, width, height, Settings);
        if (_hud is not null)
        {
            RefreshHud();
            _hud.Draw(fbo, width, height, _hudInfo);
        }
        bool snapshot = fresh && _options.SnapshotEvery > 0 && (_stats.FramesPresented % _options.SnapshotEvery) == 0;
        bool video = fresh && _options.VideoPath is not null;
        if (snapshot || video || _screenshotRequested) FramebufferCapture.ReadBgr(gl, fbo, width, height, _capture);
        if (snapshot)
        {
            Directory.CreateDirectory(_options.SnapshotDirectory!);
            Cv2.ImWrite(Path.Combine(_options.SnapshotDirectory!, $"overlay_{_stats.FramesPresented:D6}.png"), _capture);
        }
        if (video) WriteVideo();
        if (_screenshotRequested) SaveScreenshot();
        _surface.Present();
    }

    private void WriteVideo()
    {
        _video ??= VideoRecorder.Open(_options.VideoPath!, _capture.Cols, _capture.Rows, _options.VideoFps, _options.VideoEncoder);
        if (_capture.Cols == _video.Width && _capture.Rows == _video.Height)
        {
            _video.Write(_capture);
            return;
        }
        // The window was resized mid-video: the file keeps its first size.
        using var resized = _capture.Resize(new Size(_video.Width, _video.Height));
        _video.Write(resized);
    }

    private void SaveScreenshot()
    {
        _screenshotRequested = false;
        string path = _screenshotPath ?? Path.Combine(_options.ScreenshotDirectory,
            string.Create(CultureInfo.InvariantCulture, $"screenshot_{DateTime.Now:yyyyMMdd_HHmmss}_{_stats.LastSeq}.png"));
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        if (!Cv2.ImWrite(path, _capture)) throw new IOException($"could not write screenshot '{path}'");
        ScreenshotSaved?.Invoke(path);
    }

    private void RefreshHud()
    {
        long now = StageTimes.Now();
        if (now < _nextHudRefresh) return;
        _nextHudRefresh = now + _hudRefreshTicks;
        var latency = _stats.Sample(now);
        string status = string.Create(CultureInfo.InvariantCulture,
            $"{Settings.Mode} {Settings.Opacity * 100:0}%{(IsPaused ? "  PAUSED" : "")}{(IsRecording ? "  REC" : "")}");
        _hudInfo = new HudInfo
        {
            Fps = _stats.Fps,
            LatencyMedianMs = latency.Median,
            LatencyP99Ms = latency.P99,
            DroppedFrames = _stats.DroppedFrames,
            ModelName = _options.ModelName,
            Device = _options.Device,
            FrameNumber = _stats.LastSeq,
            Status = status,
        };
    }
}
