namespace MedSeg.Rendering.Loop;

/// <summary>The loop's monotonic clock; tests substitute one they advance by hand.</summary>
public interface IGameClock
{
    /// <summary>Time since the clock started; never goes backwards.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Waits a little while the loop is ahead of its target step (<paramref name="remaining"/> to go).</summary>
    void Wait(TimeSpan remaining);

    /// <summary>Gives the thread away for <paramref name="duration"/>: a tick that had nothing to do.</summary>
    void Sleep(TimeSpan duration);
}
