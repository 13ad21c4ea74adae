using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sources.Igtl;

namespace MedSeg.Pipeline.Sinks;

/// <summary>
/// Sends each frame's predicted label map back to the OpenIGTLink server the frames came from,
/// as an IMAGE message, so 3D Slicer (or PLUS) can show the segmentation next to the live image.
/// </summary>
/// <remarks>
/// Inputs: finished frames. Outputs: IMAGE messages on the source's connection.
/// Options: none; the device name and geometry come from <see cref="IgtlSource"/>.
/// Memory: nothing per frame beyond the source's send buffer.
/// Notes: a display-like consumer: Latest policy, so a slow network never holds the pipeline
/// back; maps that could not be sent (not connected) are counted in <see cref="Discarded"/>.
/// </remarks>
/// <param name="stream">The stream <paramref name="source"/> feeds (several igtl:// streams: one sink each); null: every frame.</param>
public sealed class IgtlLabelSink(IgtlSource source, int? stream = null) : IFrameSink
{
    private long _unsent;

    public string Name { get; } = stream is { } s ? $"igtl-labels-s{s}" : "igtl-labels";
    public int? Stream => stream;
    public SinkPolicy Policy => SinkPolicy.Latest;
    public int Capacity => 2;
    public long Discarded => Interlocked.Read(ref _unsent);

    public Task RunAsync(ChannelReader<Frame> input, CancellationToken ct) =>
        StageHost.ConsumeAsync(input, async (frame, token) =>
        {
            if (!await source.SendLabelMapAsync(frame, token).ConfigureAwait(false)) Interlocked.Increment(ref _unsent);
        }, ct);
}
