using MedSeg.Core.Frames;
using MedSeg.Core.Inference;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Pipeline.Session;

/// <summary>
/// Runs a few blank frames per stream through a throwaway copy of the session's graph (same
/// options, same engine, its own pools and stage instances, statistics and the given scratch sinks) before the
/// real one starts, so the first live frames do not pay for the JIT compiling the preprocessing,
/// batching, inference-slot and postprocessing paths, OpenCV's first calls, or the engine's first
/// allocations. Nothing of it reaches the session's sinks, statistics or recordings.
/// </summary>
/// <remarks>
/// Measured in the window demo (2 cores, Xvfb): without it the first live frame spent 7.5 ms in
/// preprocessing (median 0.1 ms) and frames 0 and 1 were the run's slowest to reach the screen.
/// The frames have the model's input size and the format its colour mode reads (Gray8 / Bgr24):
/// the size a live source sends is not known before its first frame, and the code paths are the same.
/// </remarks>
internal static class PipelineWarmUp
{
    /// <param name="sinks">Throwaway sinks of the session's kinds (a scratch recorder), or none.</param>
    public static void Run(PipelineOptions options, ISegmentationEngine engine, int streams, int frames, CancellationToken ct,
                           IReadOnlyList<IFrameSink>? sinks = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        var p = options.Preprocess ?? engine.Contract.Preprocess;
        var format = p.Channels == 1 ? PixelFormat.Gray8 : PixelFormat.Bgr24;
        var pools = Enumerable.Range(0, streams).Select(i => new FramePool(streamId: i)).ToArray();
        try
        {
            IFrameSource[] sources = [.. pools.Select(pool => new BlankSource(pool, frames, p.Width, p.Height, format))];
            // Every frame goes through: nothing is dropped at an edge, and no batch waits for company.
            var warm = options with
            {
                Mode = PipelineMode.All, StreamModes = null, WarmupFrames = 0, MaxWait = TimeSpan.Zero,
                LatencyCapacity = Math.Max(1, frames * streams),
            };
            PipelineBuilder.Build(warm, engine, sources, sinks ?? []).RunAsync(ct).GetAwaiter().GetResult();
        }
        finally
        {
            foreach (var pool in pools) pool.Dispose();
        }
    }
}
