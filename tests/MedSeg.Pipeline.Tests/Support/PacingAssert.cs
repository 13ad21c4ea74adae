using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Tests.Support;

/// <summary>Lower bounds on a paced source's capture stamps; never a speed limit.</summary>
internal static class PacingAssert
{
    /// <summary>
    /// Frame k is due at start + k periods, and the source never captures it earlier. A source that
    /// falls behind may re-anchor, which only moves later frames later, so the bound holds from a
    /// clock reading taken before the source started.
    /// </summary>
    /// <param name="before">A monotonic reading taken before the source's RunAsync was called.</param>
    public static void NeverEarly(long before, IReadOnlyList<long> captured, double periodMs)
    {
        for (int k = 0; k < captured.Count; k++)
        {
            double sinceStart = StageTimes.Milliseconds(before, captured[k]);
            Assert.True(sinceStart >= k * periodMs,
                $"frame {k} captured {sinceStart:F2} ms after the start; due no earlier than {k * periodMs:F2} ms");
        }
    }
}
