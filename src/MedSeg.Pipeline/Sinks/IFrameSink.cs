using System.Threading.Channels;
using MedSeg.Core.Frames;

namespace MedSeg.Pipeline.Sinks;

/// <summary>Where finished frames go: render mailbox, recorder, statistics, scoring.</summary>
/// <remarks>
/// Contract (a future SessionRecorder implements it):
/// - The builder creates one bounded channel per sink, with <see cref="Capacity"/> and the edge
///   <see cref="Policy"/> asks for, and the fan-out gives every sink its own reference to each frame.
/// - <see cref="RunAsync"/> reads until <c>input</c> completes and releases (Dispose) every frame
///   it reads, or hands it on (the render mailbox hands it to the render loop).
/// - Input completing with an exception means the pipeline stopped on a fault: the frames before
///   it are still delivered. Whatever happens, flush and close files in a finally block; the
///   pipeline waits for that (up to PipelineOptions.SinkCloseTimeout, then cancels <c>ct</c>).
/// - A NeverDrop sink must keep every frame: <see cref="Discarded"/> stays 0.
/// - An exception from RunAsync stops the pipeline and names this sink.
/// </remarks>
public interface IFrameSink
{
    /// <summary>Unique among the pipeline's sinks; used for edge names and reports.</summary>
    string Name { get; }

    SinkPolicy Policy { get; }

    /// <summary>Frames the edge in front of this sink holds.</summary>
    int Capacity { get; }

    /// <summary>Frames the sink released unused (a mailbox's replaced frames).</summary>
    long Discarded { get; }

    /// <summary>The one stream whose frames this sink receives (a per-stream recorder or mailbox); null: every stream's.</summary>
    int? Stream => null;

    Task RunAsync(ChannelReader<Frame> input, CancellationToken ct);
}
