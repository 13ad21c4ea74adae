using MedSeg.Cli.Bench;

namespace MedSeg.Cli.Tests.Bench;

/// <summary>The bench's interleaved rounds: every block is timed alone (after a settle pause), in an order that changes between rounds.</summary>
public sealed class InterleavedRoundsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(6, 5)]
    public void Medians_EveryBlock_StartsAfterASettlePause(int runners, int rounds)
    {
        const int iterations = 3;
        var log = new List<int>();   // runner index per call, -1 per pause
        var settle = TimeSpan.FromMilliseconds(42);
        var pauses = new List<TimeSpan>();
        var actions = Enumerable.Range(0, runners).Select(k => (Action)(() => log.Add(k))).ToArray();
        var ms = InterleavedRounds.Medians(actions, rounds, iterations, settle, t => { pauses.Add(t); log.Add(-1); });

        Assert.Equal(runners, ms.Length);
        Assert.Equal(runners * rounds, pauses.Count);
        Assert.All(pauses, p => Assert.Equal(settle, p));
        // Blocks: a pause, then one untimed and `iterations` timed calls of one runner; each runner once per round.
        var blocks = log.Chunk(iterations + 2).ToArray();
        Assert.Equal(runners * rounds, blocks.Length);
        foreach (var b in blocks)
        {
            Assert.Equal(-1, b[0]);
            Assert.All(b[1..], k => Assert.Equal(b[1], k));
        }
        foreach (var round in blocks.Chunk(runners))
            Assert.Equal(Enumerable.Range(0, runners), round.Select(static b => b[1]).Order());
    }

    [Fact]
    public void Order_ChangesBetweenRounds_SoNoRunnerAlwaysFollowsTheSameOne()
    {
        // In the fixed order the ONNX engine always ran right after the bare session's spinning pool.
        var orders = Enumerable.Range(0, 5).Select(r => string.Join(",", InterleavedRounds.Order(6, r))).ToArray();
        Assert.Equal("0,1,2,3,4,5", orders[0]);
        Assert.True(orders.Distinct().Count() >= 4, string.Join(" | ", orders));
        var followers = Enumerable.Range(0, 5).Select(r =>
        {
            var o = InterleavedRounds.Order(6, r);
            return o[(Array.IndexOf(o, 0) + 1) % 6];
        });
        Assert.True(followers.Distinct().Count() > 1, "runner 0 is followed by the same runner every round");
    }
}
