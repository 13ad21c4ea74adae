using MedSeg.Rendering.Loop;

namespace MedSeg.Rendering.Tests;

/// <summary>A clock the test moves; waiting advances it by exactly the time asked for, so fixed-step ticks are deterministic.</summary>
public sealed class ManualClock : IGameClock
{
    public TimeSpan Elapsed { get; private set; }

    public int Waits { get; private set; }

    public void Advance(TimeSpan by) => Elapsed += by;

    public void Wait(TimeSpan remaining)
    {
        Waits++;
        Elapsed += remaining;
    }

    public int Sleeps { get; private set; }

    public void Sleep(TimeSpan duration)
    {
        Sleeps++;
        Elapsed += duration;
    }
}
