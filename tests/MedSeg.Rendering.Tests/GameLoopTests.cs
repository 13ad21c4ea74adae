namespace MedSeg.Rendering.Tests;

public sealed class GameLoopTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(10);

    private static (TestRenderLoop Loop, ManualClock Clock) Create(bool fixedStep = true)
    {
        var clock = new ManualClock();
        var loop = new TestRenderLoop(clock) { IsFixedTimeStep = fixedStep, TargetElapsedTime = Step };
        return (loop, clock);
    }

    [Theory]
    [InlineData(10, 1)]
    [InlineData(35, 3)]
    [InlineData(100, 10)]
    public void Tick_FixedStep_RunsOneUpdatePerElapsedStepAndDrawsOnce(int elapsedMs, int expectedUpdates)
    {
        var (loop, clock) = Create();
        clock.Advance(TimeSpan.FromMilliseconds(elapsedMs));
        loop.Tick();
        Assert.Equal(expectedUpdates, loop.UpdateCount);
        Assert.Equal(1, loop.DrawCount);
        Assert.All(loop.UpdateElapsed, e => Assert.Equal(Step, e));
    }

    [Fact]
    public void Tick_FixedStep_CarriesTheRemainderToTheNextTick()
    {
        var (loop, clock) = Create();
        clock.Advance(TimeSpan.FromMilliseconds(15));
        loop.Tick();                                   // 1 step, 5 ms left over
        clock.Advance(TimeSpan.FromMilliseconds(15));
        loop.Tick();                                   // 5 + 15 = 20 ms: 2 steps
        Assert.Equal(3, loop.UpdateCount);
        Assert.Equal(0, clock.Waits);
    }

    [Fact]
    public void Tick_FixedStepAhead_WaitsUntilAStepIsDue()
    {
        var (loop, clock) = Create();
        clock.Advance(TimeSpan.FromMilliseconds(4));
        loop.Tick();
        Assert.Equal(1, loop.UpdateCount);
        Assert.True(clock.Waits > 0);
        Assert.Equal(Step, clock.Elapsed);             // the pacing wait ends exactly at the step
    }

    [Fact]
    public void Tick_LongStall_IsClampedToMaxElapsedTime()
    {
        var (loop, clock) = Create();
        loop.MaxElapsedTime = TimeSpan.FromMilliseconds(50);
        clock.Advance(TimeSpan.FromSeconds(10));
        loop.Tick();
        Assert.Equal(5, loop.UpdateCount);
    }

    [Fact]
    public void Tick_FiveLateTicksInARow_SetsIsRunningSlowlyThenClearsIt()
    {
        var (loop, clock) = Create();
        for (int i = 0; i < 5; i++)
        {
            clock.Advance(Step * 2);                   // each tick needs one extra step
            loop.Tick();
        }
        Assert.Equal([false, false, false, false, true], loop.SlowFlags);
        for (int i = 0; i < 6; i++)
        {
            clock.Advance(Step);                       // on time again: the lag of 5 drains one per tick
            loop.Tick();
        }
        Assert.Equal([true, true, true, true, true, false], loop.SlowFlags[5..]);
    }

    [Fact]
    public void Tick_VariableStep_OneUpdateCoveringTheRealElapsedTime()
    {
        var (loop, clock) = Create(fixedStep: false);
        clock.Advance(TimeSpan.FromMilliseconds(37));
        loop.Tick();
        Assert.Equal(1, loop.UpdateCount);
        Assert.Equal(TimeSpan.FromMilliseconds(37), loop.UpdateElapsed[0]);
        Assert.Equal(0, clock.Waits);
    }

    [Fact]
    public void Run_ExitCondition_StopsAfterTheDrawThatMetIt()
    {
        var (loop, _) = Create();
        int draws = 0;
        loop.DrawWith(_ => draws++);
        loop.ExitCondition = l => l.DrawCount >= 9;    // DrawCount counts completed draws
        loop.Run();
        Assert.Equal(10, draws);
        Assert.True(loop.IsExiting);
    }

    [Fact]
    public void Tick_BeginDrawSaysNo_UpdatesButNeitherDrawsNorCountsADraw()
    {
        var (loop, clock) = Create(fixedStep: false);
        int draws = 0;
        bool allow = false;
        loop.DrawWith(_ => draws++).BeginDrawWith(() => allow);
        clock.Advance(Step);
        loop.Tick();
        allow = true;
        clock.Advance(Step);
        loop.Tick();
        Assert.Equal(2, loop.UpdateCount);
        Assert.Equal(1, draws);
        Assert.Equal(1, loop.DrawCount);
    }

    [Fact]
    public void Run_ExitInUpdate_SkipsNoDrawWhenDrawOnExit()
    {
        var (loop, _) = Create();
        loop.UpdateWith(_ => { if (loop.UpdateCount == 2) loop.Exit(); });
        loop.Run();
        Assert.Equal(3, loop.UpdateCount);
        Assert.Equal(3, loop.DrawCount);               // the exiting tick still draws its last frame
    }
}
