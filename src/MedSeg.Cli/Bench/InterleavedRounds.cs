using System.Diagnostics;

namespace MedSeg.Cli.Bench;

/// <summary>
/// Times several runners in interleaved rounds (so a neighbour's load falls on all of them alike)
/// and returns each one's median call in ms. The first call of each runner per round pays the
/// wake-up after another runtime ran and is not counted.
/// </summary>
/// <remarks>
/// Each runner's block starts after a settle pause and the order is shuffled per round, so no
/// runner is timed in the wake of another's thread pool. An ONNX Runtime session with its default
/// spinning (the bare reference) keeps a worker spinning for about 30 ms of CPU after its last
/// Run, TorchSharp's OpenMP pool about 10 ms: on 2 cores that took a core from the first several
/// calls of whichever runner came next — at 128², 2 threads, a third of a 20-call block — and the
/// order was fixed, so the ONNX engine, always timed right after the bare session, paid for it
/// every round. An outside harness runs its session alone; here every block does too.
/// </remarks>
public static class InterleavedRounds
{
    /// <summary>Longer than any pool's spin after its last call (ONNX Runtime's ~30 ms, with room for a loaded machine).</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromMilliseconds(150);

    public static double[] Medians(Action[] runners, int rounds, int iterations) =>
        Medians(runners, rounds, iterations, DefaultSettle, Thread.Sleep);

    /// <param name="pause">Waits out <paramref name="settle"/> before each block (tests pass a recorder).</param>
    public static double[] Medians(Action[] runners, int rounds, int iterations, TimeSpan settle, Action<TimeSpan> pause)
    {
        ArgumentNullException.ThrowIfNull(runners);
        ArgumentNullException.ThrowIfNull(pause);
        var ms = runners.Select(static _ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            foreach (int k in Order(runners.Length, r))
            {
                pause(settle);
                runners[k]();
                for (int i = 0; i < iterations; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    runners[k]();
                    ms[k].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
            }
        return [.. ms.Select(Median)];
    }

    /// <summary>The runners' order in round <paramref name="round"/>: the given order first, then a fixed-seed shuffle per round.</summary>
    public static int[] Order(int count, int round)
    {
        var order = Enumerable.Range(0, count).ToArray();
        if (round > 0) new Random(round).Shuffle(order);
        return order;
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
