using System.Diagnostics.CodeAnalysis;
using MedSeg.Core.Frames;

namespace MedSeg.Rendering;

/// <summary>An <see cref="IFrameProvider"/> from delegates, so the pipeline's mailbox plugs in without this project referencing it:
/// <c>new DelegateFrameProvider(() => mailbox.TryTake(out var f) ? f : null, () => run.IsCompleted, () => pipeline.SourceStatusOf(i))</c>.</summary>
public sealed class DelegateFrameProvider(Func<Frame?> takeNewest, Func<bool> isCompleted, Func<string?>? sourceStatus = null) : IFrameProvider
{
    private readonly Func<Frame?> _takeNewest = takeNewest ?? throw new ArgumentNullException(nameof(takeNewest));
    private readonly Func<bool> _isCompleted = isCompleted ?? throw new ArgumentNullException(nameof(isCompleted));

    public bool IsCompleted => _isCompleted();

    public string? SourceStatus => sourceStatus?.Invoke();

    public bool TryTakeNewest([NotNullWhen(true)] out Frame? frame)
    {
        frame = _takeNewest();
        return frame is not null;
    }
}
