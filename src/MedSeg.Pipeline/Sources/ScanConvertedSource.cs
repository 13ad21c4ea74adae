using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Pipeline.Stages.ScanConversion;

namespace MedSeg.Pipeline.Sources;

/// <summary>
/// A source of Cartesian ultrasound frames made from another source's pre-scan frames
/// (spec <c>scanconvert:SPEC</c>): the inner source and a <see cref="ScanConversionStage"/> joined
/// by a small waiting channel, so the pipeline downstream sees ordinary frames with a sector.
/// </summary>
/// <remarks>The inner edge waits (capacity 2): the outer source edge keeps its own policy, so a
/// live inner source still drops at that edge, not here. Disposes an inner source that is disposable.</remarks>
public sealed class ScanConvertedSource : IFrameSource, IDisposable
{
    private readonly IFrameSource _inner;
    private readonly ScanConversionStage _stage;

    public ScanConvertedSource(IFrameSource inner, FramePool pool, SectorGeometry? sector = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
        _stage = new ScanConversionStage(new ScanConversionStageOptions { Direction = ScanConversionDirection.ToScan, Sector = sector }, pool);
    }

    public string Description => $"{_inner.Description}, scan-converted";

    public void Prepare(CancellationToken ct) => _inner.Prepare(ct);

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        var edge = Channel.CreateBounded<Frame>(new BoundedChannelOptions(2) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = true });
        var convert = _stage.RunAsync(edge.Reader, output, ct);
        Exception? error = null;
        try
        {
            await _inner.RunAsync(edge.Writer, ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            edge.Writer.TryComplete(error is OperationCanceledException ? null : error);
            try
            {
                await convert.ConfigureAwait(false);
            }
            catch (Exception) when (error is not null)
            {
                // The inner source's error is the one to report.
            }
            catch (OperationCanceledException)
            {
                // Cancelled by the pipeline's stop: the stream simply ends.
            }
            // Frames still in the edge after a failure go back to the pool.
            while (edge.Reader.TryRead(out var left)) left.Dispose();
        }
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
