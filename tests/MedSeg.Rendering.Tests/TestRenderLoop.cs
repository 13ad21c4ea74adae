using MedSeg.Rendering.Loop;

namespace MedSeg.Rendering.Tests;

/// <summary>MonoGame's TestGameBase for our loop: hooks for Update and Draw, and a condition that ends <see cref="GameLoop.Run"/>.</summary>
public sealed class TestRenderLoop(IGameClock clock) : GameLoop(clock)
{
    private Action<FrameTime>? _update, _draw;
    private Func<bool>? _beginDraw;

    /// <summary>Checked after every update and draw; true ends the run.</summary>
    public Func<TestRenderLoop, bool> ExitCondition { get; set; } = static _ => false;

    public List<TimeSpan> UpdateElapsed { get; } = [];

    public List<bool> SlowFlags { get; } = [];

    public TestRenderLoop UpdateWith(Action<FrameTime> action) { _update = action; return this; }

    public TestRenderLoop DrawWith(Action<FrameTime> action) { _draw = action; return this; }

    public TestRenderLoop BeginDrawWith(Func<bool> beginDraw) { _beginDraw = beginDraw; return this; }

    protected override bool BeginDraw() => _beginDraw?.Invoke() ?? true;

    protected override void Update(FrameTime time)
    {
        UpdateElapsed.Add(time.ElapsedTime);
        _update?.Invoke(time);
        if (ExitCondition(this)) Exit();
    }

    protected override void Draw(FrameTime time)
    {
        SlowFlags.Add(time.IsRunningSlowly);
        _draw?.Invoke(time);
        if (ExitCondition(this)) Exit();
    }
}
