using MedSeg.Core.Frames;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Pipeline.Session;

/// <summary>A session <see cref="SessionBuilder"/> built from a spec: the pipeline and everything a front-end shows or reports.</summary>
/// <remarks>Owns the engine, the sources, the per-stream frame pools and the mailboxes: dispose after the run (and after the last draw).</remarks>
public sealed class RunningSession : IDisposable
{
    private readonly IReadOnlyList<FramePool> _pools;

    internal RunningSession(SessionSpec spec, SessionEngine engine, RunningPipeline pipeline, IReadOnlyList<FramePool> pools,
                            IReadOnlyList<IFrameSource> sources, IReadOnlyList<RenderMailbox> mailboxes, IReadOnlyList<SessionRecorder> recorders)
    {
        (Spec, Engine, Pipeline, _pools, Sources, Mailboxes, Recorders) = (spec, engine, pipeline, pools, sources, mailboxes, recorders);
    }

    /// <summary>The effective spec this session was built from.</summary>
    public SessionSpec Spec { get; }

    public SessionEngine Engine { get; }

    public RunningPipeline Pipeline { get; }

    /// <summary>Sources in stream order (index = <see cref="FrameInfo.StreamId"/>).</summary>
    public IReadOnlyList<IFrameSource> Sources { get; }

    /// <summary>
    /// One render mailbox per stream, index = stream id (empty when the spec has no view): the
    /// newest finished frame of that stream, taken without blocking by the render loop, which then
    /// owns (and disposes) it. A tiled view draws mailbox <c>i</c> in tile <c>i</c>.
    /// </summary>
    public IReadOnlyList<RenderMailbox> Mailboxes { get; }

    /// <summary>Session recorders in stream order (empty when the spec records nothing).</summary>
    public IReadOnlyList<SessionRecorder> Recorders { get; }

    /// <summary>Frames still held anywhere (0 once the run ended and every mailbox frame was released).</summary>
    public long FramesOutstanding => _pools.Sum(static p => p.Outstanding);

    /// <summary>Doubled or stale frame releases counted by the pools (release builds count instead of throwing); 0 in a correct run.</summary>
    public long LeaseMisuses => _pools.Sum(static p => p.LeaseMisuses);

    public Task<PipelineReport> RunAsync(CancellationToken ct) => Pipeline.RunAsync(ct);

    /// <summary>
    /// Lets every source do its own set-up now (<see cref="IFrameSource.Prepare"/>: a synthetic
    /// cine loop is rendered), then runs <paramref name="frames"/> blank frames per stream through
    /// a throwaway copy of this session's graph (<see cref="PipelineWarmUp"/>), with a scratch
    /// twin of each recorder (in a temporary folder) and of each render mailbox: call it once
    /// before <see cref="RunAsync"/> so the first live frames are not the slowest. Touches no
    /// sink, statistic or recording of the session.
    /// </summary>
    /// <remarks>Measured (window demo, 2 cores): the demo's 250-frame cine loop took 1.3 s to render
    /// inside RunAsync, and the JIT re-compiled its hot methods on a background thread beside the
    /// first live frames. With the scratch recorders (8 interleaved pairs) the slower of frames 0 and 1
    /// reached the screen in 17–29 ms (mean 23.8) against 22–37 ms (mean 29.0) without.</remarks>
    public void WarmUp(int frames = 3, CancellationToken ct = default) => WarmUp(frames, System.IO.Path.GetTempPath(), ct);

    /// <summary>Frames the warm-up's scratch recorders wrote (0 without recorders, or when no scratch folder could be made).</summary>
    internal long ScratchFramesRecorded { get; private set; }

    /// <summary>Frames the warm-up's scratch render mailboxes were handed (0 without a view).</summary>
    internal long ScratchFramesShown { get; private set; }

    /// <param name="scratchParent">Where the scratch recorders' folder is made (and deleted after).</param>
    internal void WarmUp(int frames, string scratchParent, CancellationToken ct)
    {
        PrepareSources(ct);
        // The recorders' code (writer, codecs, file handling) is warmed by scratch twins in a
        // folder of their own, deleted after; where no such folder can be made, they are left cold.
        string? scratch = null;
        if (Recorders.Count > 0)
        {
            try { scratch = Directory.CreateDirectory(System.IO.Path.Combine(scratchParent, $"medseg-warmup-{Guid.NewGuid():N}")).FullName; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { scratch = null; }
        }
        // The view's mailboxes too (their read loop and hand-off), with twins nobody draws from.
        RenderMailbox[] mailboxes = [.. Mailboxes.Select(static m => new RenderMailbox(m.Stream))];
        try
        {
            SessionRecorder[] twins = scratch is null ? []
                : [.. Recorders.Select((r, i) => r.ScratchTwin(System.IO.Path.Combine(scratch, $"s{i}.msgpack")))];
            PipelineWarmUp.Run(Pipeline.Options, Engine.Engine, Sources.Count, frames, ct, [.. twins, .. mailboxes]);
            ScratchFramesRecorded = twins.Sum(static t => t.Frames);
            ScratchFramesShown = mailboxes.Sum(static m => m.Posted);
            // Taken as the view takes (Dispose alone would release the slot without that path).
            foreach (var mailbox in mailboxes)
                if (mailbox.TryTake(out var frame)) frame.Dispose();
        }
        finally
        {
            foreach (var mailbox in mailboxes) mailbox.Dispose();
            try { if (scratch is not null) Directory.Delete(scratch, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a scratch file left in the temp folder */ }
        }
    }

    /// <summary>Every source's <see cref="IFrameSource.Prepare"/>, in stream order.</summary>
    public void PrepareSources(CancellationToken ct = default)
    {
        foreach (var source in Sources) source.Prepare(ct);
    }

    public void Dispose()
    {
        foreach (var mailbox in Mailboxes) mailbox.Dispose();
        if (Engine.OwnedBySession) Engine.Engine.Dispose();
        // Sources that hold files or handles (a slice stack) close them.
        foreach (var source in Sources) (source as IDisposable)?.Dispose();
        foreach (var pool in _pools) pool.Dispose();
    }
}
