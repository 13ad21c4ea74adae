using System.Threading.Channels;

namespace MedSeg.Pipeline;

/// <summary>
/// The loop every stage used to repeat, once: the token checked first, the read loop, the outputs
/// completed in a finally block with the error that stopped the stage (so it travels downstream,
/// <c>TryComplete(error)</c>), and the ownership hand-off. A stage is then its compute step.
/// </summary>
/// <remarks>
/// Ownership: the step owns each item it is given. <see cref="HandOffAsync"/> passes an item on
/// and, when the write fails (cancelled, channel closed), releases it before rethrowing, so nothing
/// leaks whichever way a stage stops. The contract it keeps is checked for every stage by StageTestBase.
/// </remarks>
public static class StageHost
{
    /// <summary>
    /// A one-in, one-out stage: <paramref name="compute"/> returns its input to pass it on (changed
    /// in place) or null to drop it; the host releases a dropped item, or one whose compute threw.
    /// </summary>
    public static Task RunAsync<T>(ChannelReader<T> input, ChannelWriter<T> output, Func<T, T?> compute, CancellationToken ct)
        where T : class, IDisposable =>
        RunAsync(input, async (item, token) =>
        {
            T? result;
            try
            {
                result = compute(item);
            }
            catch
            {
                item.Dispose();
                throw;
            }
            if (result is null)
            {
                item.Dispose();
                return;
            }
            await output.HandOffAsync(result, token).ConfigureAwait(false);
        }, error => output.TryComplete(error), ct);

    /// <summary>A stage with any number of outputs: <paramref name="step"/> owns each item (hand it on or release it); <paramref name="complete"/> completes every output.</summary>
    public static Task RunAsync<TIn>(ChannelReader<TIn> input, Func<TIn, CancellationToken, ValueTask> step, Action<Exception?> complete, CancellationToken ct) =>
        RunAsync(async token =>
        {
            await foreach (var item in input.ReadAllAsync(token).ConfigureAwait(false)) await step(item, token).ConfigureAwait(false);
        }, complete, ct);

    /// <summary>A stage that reads its inputs itself (the batcher's time window): the host only checks the token first and completes the outputs with the error.</summary>
    public static async Task RunAsync(Func<CancellationToken, Task> body, Action<Exception?> complete, CancellationToken ct)
    {
        Exception? error = null;
        try
        {
            ct.ThrowIfCancellationRequested();
            await body(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            error = e;
            throw;
        }
        finally
        {
            complete(error);
        }
    }

    /// <summary>A sink's loop: every frame read is given to <paramref name="consume"/> and released after it, whatever it does.</summary>
    public static async Task ConsumeAsync<T>(ChannelReader<T> input, Func<T, CancellationToken, ValueTask> consume, CancellationToken ct) where T : IDisposable
    {
        await foreach (var item in input.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                await consume(item, ct).ConfigureAwait(false);
            }
            finally
            {
                item.Dispose();
            }
        }
    }

    /// <summary>Writes <paramref name="item"/>; ownership passes with the write, so a write that throws releases it here.</summary>
    public static async ValueTask HandOffAsync<T>(this ChannelWriter<T> output, T item, CancellationToken ct) where T : IDisposable
    {
        try
        {
            await output.WriteAsync(item, ct).ConfigureAwait(false);
        }
        catch
        {
            item.Dispose();
            throw;
        }
    }
}
