using MedSeg.Core.Timing;

namespace MedSeg.Core.Tests.Timing;

public sealed class CpuStealTests
{
    [Fact]
    public void ParseStatLine_TheAggregateLine_GivesItsEighthCounter()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice (proc(5)).
        Assert.Equal(12843L, CpuSteal.ParseStatLine("cpu  108393 28884 30997 181956 1207 0 295 12843 0 0"));
    }

    [Theory]
    [InlineData("cpu  108393 28884 30997 181956 1207 0 295")]          // a kernel before steal was counted
    [InlineData("cpu0 54000 14000 15000 91000 600 0 150 6400 0 0")]   // one CPU's line, not the sum
    [InlineData("intr 1234 0 0")]
    [InlineData("cpu  1 2 3 4 5 6 7 x 0 0")]
    public void ParseStatLine_NotAnAggregateLineWithSteal_IsNull(string line)
    {
        Assert.Null(CpuSteal.ParseStatLine(line));
    }

    [Fact]
    public void Since_OnLinux_IsAShareOfTheSpansCpuTime()
    {
        Assert.True(OperatingSystem.IsLinux(), "the suite runs on Linux (see README)");
        var mark = CpuSteal.Start();
        Assert.NotNull(mark);   // every Linux since 2.6.11 counts steal, as 0 on bare metal
        Thread.Sleep(50);
        var steal = mark.Value.Since();

        Assert.NotNull(steal);
        Assert.InRange(steal.Value.StolenMs, 0, double.MaxValue);
        Assert.InRange(steal.Value.Share, 0, 1);
    }
}
