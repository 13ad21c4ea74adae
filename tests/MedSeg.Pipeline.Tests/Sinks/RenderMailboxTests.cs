using MedSeg.Core.Frames;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sinks;

public sealed class RenderMailboxTests : IDisposable
{
    private readonly FramePool _pool = new();

    [Fact]
    public void TryTake_Empty_ReturnsFalseWithoutBlocking()
    {
        using var mailbox = new RenderMailbox();
        Assert.False(mailbox.TryTake(out _));
    }

    [Fact]
    public void Post_ThreeFrames_KeepsNewestReleasesAndCountsTheRest()
    {
        using var mailbox = new RenderMailbox();
        for (int i = 0; i < 3; i++) mailbox.Post(TestFrames.Gray(_pool, i));

        Assert.True(mailbox.TryTake(out var newest));
        using (newest) Assert.Equal(2, newest.Info.Seq);
        Assert.Equal(2, mailbox.Discarded);
        Assert.False(mailbox.TryTake(out _));
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_Stream_LastFrameWaitsForTheRendererAndDisposeReleasesIt()
    {
        var mailbox = new RenderMailbox();
        var input = Channels.Unbounded<Frame>();
        for (int i = 0; i < 5; i++) input.Writer.TryWrite(TestFrames.Gray(_pool, i));
        input.Writer.Complete();

        await mailbox.RunAsync(input.Reader, CancellationToken.None).WaitAsync(Channels.Patience);

        Assert.Equal(1, _pool.Outstanding);
        mailbox.Dispose();
        Assert.Equal(0, _pool.Outstanding);
    }

    public void Dispose() => _pool.Dispose();
}
