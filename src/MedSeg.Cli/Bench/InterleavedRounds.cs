using System.Diagnostics;

namespace MedSeg.Cli.Bench;

/// <summary>
/// Times several runners in interleaved rounds (so a neighbour's load falls on all of them alike)
/// and returns each one's median call in ms. The first call of each runner per round pays the
/// wake-up after another runtime ran and is not counted.
/// </summary>
public static class InterleavedRounds
{
    public static double[] Medians(Action[] runners, int rounds, int iterations)
    {
        var ms = runners.Select(static _ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < runners.Length; k++)
            {
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

    private static double Median(List<double> v)
    {
        v.Sort();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
