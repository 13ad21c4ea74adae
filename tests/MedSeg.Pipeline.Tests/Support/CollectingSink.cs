using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sinks;

namespace MedSeg.Pipeline.Tests.Support;

/// <summary>A never-drop sink that copies what it sees, like a recorder would write it, and says whether it closed.</summary>
internal sealed class CollectingSink(string name = "collect", int failOnFrame = -1, int capacity = 8) : IFrameSink
{
    private readonly List<Seen> _seen = [];

    public sealed record Seen(FrameInfo Info, StageTimes Times, FrameFlags Flags, byte[] Labels, float[] Foreground, byte[] GroundTruth);

    public string Name => name;
    public SinkPolicy Policy => SinkPolicy.NeverDrop;
    public int Capacity => capacity;
    public long Discarded => 0;

    /// <summary>Set in the finally block, as a recorder closes its file.</summary>
    public bool Closed { get; private set; }

    /// <summary>How the input ended: null = normally, else the exception it completed with.</summary>
    public Exception? EndedWith { get; private set; }

    /// <summary>Delay per frame, to make the sink fall behind.</summary>
    public TimeSpan Delay { get; init; }

    public IReadOnlyList<Seen> Frames
    {
        get { lock (_seen) return [.. _seen]; }
    }

    public async Task RunAsync(ChannelReader<Frame> input, CancellationToken ct)
    {
        try
        {
            await foreach (var frame in input.ReadAllAsync(ct))
            {
                using (frame)
                {
                    if (_seen.Count == failOnFrame) throw new InvalidOperationException("disk full on purpose");
                    if (Delay > TimeSpan.Zero) await Task.Delay(Delay, ct);
                    // A sink keeps its own stamp: the shared frame is read-only.
                    var times = frame.ReadOnlyTimes;
                    times.Recorded = StageTimes.Now();
                    lock (_seen)
                        _seen.Add(new Seen(frame.Info, times, frame.Flags, frame.ReadOnlyLabels.ToArray(), frame.ReadOnlyForeground.ToArray(), frame.ReadOnlyGroundTruth.ToArray()));
                }
            }
        }
        catch (Exception e)
        {
            EndedWith = e;
            throw;
        }
        finally
        {
            Closed = true;
        }
    }
}
