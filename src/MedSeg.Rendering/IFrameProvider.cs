using System.Diagnostics.CodeAnalysis;
using MedSeg.Core.Frames;

namespace MedSeg.Rendering;

/// <summary>
/// Where the viewer gets finished frames: the pipeline's render mailbox (latest wins), adapted by
/// the caller. Called on the GL thread once per drawn frame; must never block.
/// </summary>
public interface IFrameProvider
{
    /// <summary>The newest finished frame not yet taken. The caller owns it: it stamps Presented and disposes it.</summary>
    bool TryTakeNewest([NotNullWhen(true)] out Frame? frame);

    /// <summary>No frame will come any more (the stream ended); frames already posted may still be taken.</summary>
    bool IsCompleted { get; }

    /// <summary>
    /// What the stream's source is doing and what it skipped ("connected", "lost: … reconnecting in
    /// 2 s", "skipped 3 (last: …)"), shown on the stream's HUD; null when it has nothing to say.
    /// Read on the GL thread a few times a second; must be cheap and never block.
    /// </summary>
    string? SourceStatus => null;
}
