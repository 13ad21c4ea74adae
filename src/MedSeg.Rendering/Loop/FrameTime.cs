namespace MedSeg.Rendering.Loop;

/// <summary>Timing handed to <see cref="GameLoop"/>'s Update and Draw (MonoGame's GameTime); one instance, reused every tick.</summary>
public sealed class FrameTime
{
    /// <summary>Game time since the loop started (the sum of all update steps).</summary>
    public TimeSpan TotalTime { get; internal set; }

    /// <summary>Time covered by this update (one step with a fixed time step) or by this draw (all steps of the tick).</summary>
    public TimeSpan ElapsedTime { get; internal set; }

    /// <summary>Updates have fallen behind (several ticks in a row needed more than one step): skip optional work.</summary>
    public bool IsRunningSlowly { get; internal set; }
}
