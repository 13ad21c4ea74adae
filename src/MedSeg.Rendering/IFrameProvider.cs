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
}
