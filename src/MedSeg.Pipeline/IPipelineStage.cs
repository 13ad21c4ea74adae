using System.Threading.Channels;

namespace MedSeg.Pipeline;

/// <summary>
/// One step of the pipeline: reads <typeparamref name="TIn"/> until its input completes, writes
/// <typeparamref name="TOut"/>, and completes its output when it stops, passing on any error.
/// </summary>
/// <remarks>
/// Contract (checked for every stage by StageTestBase): input completes → output completes;
/// <c>ct</c> cancelled → RunAsync throws <see cref="OperationCanceledException"/> and the output is
/// completed with it; input faulted or own failure → RunAsync throws it and the output is completed
/// with the same exception. Items held when stopping are released, never leaked.
/// </remarks>
public interface IPipelineStage<TIn, TOut>
{
    Task RunAsync(ChannelReader<TIn> input, ChannelWriter<TOut> output, CancellationToken ct);
}
