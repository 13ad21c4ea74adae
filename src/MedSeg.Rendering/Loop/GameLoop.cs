namespace MedSeg.Rendering.Loop;

/// <summary>
/// MonoGame's Game loop, minus the platform: <see cref="Update"/> in fixed (or variable) steps,
/// then one <see cref="Draw"/> per tick; every timing rule lives in <see cref="Tick"/>.
/// </summary>
/// <remarks>
/// Fixed step (default): the tick waits until <see cref="TargetElapsedTime"/> has passed (this
/// paces the draws to the target rate), then runs as many updates as the accumulated time
/// allows, clamped to <see cref="MaxElapsedTime"/> so a long stall (debugger, swap-out) does not
/// cause an update storm. After 5 ticks in a row that needed extra steps, IsRunningSlowly is
/// set, and cleared once the lag is worked off. Variable step: one update covering the real
/// elapsed time per tick, no waiting (pace with vsync). All members run on the loop's thread.
/// </remarks>
public abstract class GameLoop
{
    private readonly IGameClock _clock;
    private readonly FrameTime _time = new();
    private TimeSpan _accumulated, _previous;
    private TimeSpan _target = TimeSpan.FromTicks(166_667); // 60 Hz, as MonoGame
    private int _updateFrameLag;
    private bool _suppressDraw;

    protected GameLoop(IGameClock? clock = null)
    {
        _clock = clock ?? new StopwatchClock();
        _previous = _clock.Elapsed;
    }

    public bool IsFixedTimeStep { get; set; } = true;

    public TimeSpan TargetElapsedTime
    {
        get => _target;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _target = value;
        }
    }

    /// <summary>At most this much real time is caught up in one tick.</summary>
    public TimeSpan MaxElapsedTime { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Set by <see cref="Exit"/>; <see cref="Run"/> returns after the current tick.</summary>
    public bool IsExiting { get; private set; }

    public long UpdateCount { get; private set; }

    /// <summary>Draws done (ticks whose <see cref="BeginDraw"/> said no are not counted).</summary>
    public long DrawCount { get; private set; }

    /// <summary>Ticks until <see cref="Exit"/> is called; polls events before each tick.</summary>
    public void Run()
    {
        ResetElapsedTime();
        while (!IsExiting)
        {
            PollEvents();
            if (IsExiting) break;
            Tick();
        }
        OnExiting();
    }

    /// <summary>One pass of the loop: wait for the step (fixed), update, draw.</summary>
    public void Tick()
    {
        // 1. Accumulate real time; in fixed-step mode wait until one step is due.
        while (true)
        {
            var now = _clock.Elapsed;
            _accumulated += now - _previous;
            _previous = now;
            if (!IsFixedTimeStep || _accumulated >= _target) break;
            _clock.Wait(_target - _accumulated);
        }

        // 2. A stall longer than this is dropped, not replayed.
        if (_accumulated > MaxElapsedTime) _accumulated = MaxElapsedTime;

        // 3. Update.
        if (IsFixedTimeStep)
        {
            _time.ElapsedTime = _target;
            int steps = 0;
            while (_accumulated >= _target && !IsExiting)
            {
                _time.TotalTime += _target;
                _accumulated -= _target;
                steps++;
                DoUpdate();
            }
            // NOTE: MonoGame's lag rule, kept as is: extra steps raise the lag, a single-step tick lowers it by one.
            _updateFrameLag += Math.Max(0, steps - 1);
            if (_time.IsRunningSlowly)
            {
                if (_updateFrameLag == 0) _time.IsRunningSlowly = false;
            }
            else if (_updateFrameLag >= 5)
            {
                _time.IsRunningSlowly = true;
            }
            if (steps == 1 && _updateFrameLag > 0) _updateFrameLag--;
            _time.ElapsedTime = TimeSpan.FromTicks(_target.Ticks * steps);
        }
        else
        {
            _time.ElapsedTime = _accumulated;
            _time.TotalTime += _accumulated;
            _accumulated = TimeSpan.Zero;
            DoUpdate();
        }

        // 4. Draw once, whatever the number of updates, unless BeginDraw finds nothing to draw.
        if (_suppressDraw) _suppressDraw = false;
        else if ((!IsExiting || DrawOnExit) && BeginDraw())
        {
            Draw(_time);
            DrawCount++;
        }
    }

    /// <summary>Asks <see cref="Run"/> to stop after this tick.</summary>
    public void Exit() => IsExiting = true;

    /// <summary>Skips the next draw (e.g. nothing changed).</summary>
    public void SuppressDraw() => _suppressDraw = true;

    /// <summary>
    /// Sleeps for <paramref name="duration"/> on the loop's clock: for a tick that found nothing to
    /// draw where nothing paces the loop (headless, variable step). Without it such a loop spins,
    /// redrawing the same picture, and takes a core from the pipeline it is waiting for.
    /// </summary>
    protected void Idle(TimeSpan duration) => _clock.Sleep(duration);

    /// <summary>Forgets time that passed while the loop was not ticking (start-up, a pause).</summary>
    public void ResetElapsedTime()
    {
        _previous = _clock.Elapsed;
        _accumulated = TimeSpan.Zero;
        _updateFrameLag = 0;
        _time.IsRunningSlowly = false;
    }

    /// <summary>Forgets <see cref="UpdateCount"/> and <see cref="DrawCount"/> (after warm-up ticks that are not part of the run).</summary>
    protected void ResetCounts() => (UpdateCount, DrawCount) = (0, 0);

    /// <summary>Whether the tick in which <see cref="Exit"/> was called still draws (true: the last frame reaches the screen / capture).</summary>
    protected virtual bool DrawOnExit => true;

    protected abstract void Update(FrameTime time);

    /// <summary>Called before each draw (MonoGame's BeginDraw); false skips this tick's draw, which then
    /// does not count in <see cref="DrawCount"/>.</summary>
    protected virtual bool BeginDraw() => true;

    protected abstract void Draw(FrameTime time);

    /// <summary>Pumps window events before each tick (GLFW); nothing by default.</summary>
    protected virtual void PollEvents() { }

    /// <summary>Runs once when <see cref="Run"/> ends, on the loop's thread.</summary>
    protected virtual void OnExiting() { }

    private void DoUpdate()
    {
        Update(_time);
        UpdateCount++;
    }
}
