using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

public sealed class SliceStackSourceTests : IDisposable
{
    private readonly FramePool _pool = new();

    [Theory]
    [InlineData(Playback.Once, 0, new[] { 0, 1, 2, 3 })]
    [InlineData(Playback.Loop, 6, new[] { 0, 1, 2, 3, 0, 1 })]
    [InlineData(Playback.PingPong, 9, new[] { 0, 1, 2, 3, 2, 1, 0, 1, 2 })]
    public async Task RunAsync_Playback_WalksTheSlicesInOrder(Playback playback, long frames, int[] expected)
    {
        var source = new SliceStackSource(new FakeStack(4), new ReplayOptions { Fps = 0, Playback = playback, Frames = frames }, _pool);

        var got = await RunAsync(source);

        Assert.Equal(expected, got.Select(f => (int)f.Pixels[0]));
        Assert.Equal(Enumerable.Range(0, expected.Length).Select(i => (long)i), got.Select(f => f.Info.Seq));
        Assert.All(got, f => Assert.True(f.Times.Captured != 0 && f.Times.Captured <= f.Times.Queued));
        Dispose(got);
    }

    [Fact]
    public async Task RunAsync_BadSlice_SkippedCountedAndLeftAsASeqGap()
    {
        var stack = new FakeStack(4) { Bad = 2 };
        var source = new SliceStackSource(stack, new ReplayOptions { Fps = 0 }, _pool);

        var got = await RunAsync(source);

        Assert.Equal([0L, 1, 3], got.Select(f => f.Info.Seq));
        Assert.Equal(2, source.Problems.Total); // the open-time skip + the bad slice
        Assert.Contains(source.Problems.Examples(), p => p.Item == "slice 2" && p.Reason.Contains("corrupt"));
        Assert.Contains(source.Problems.Examples(), p => p.Item == "odd.dcm");
        Dispose(got);
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public async Task RunAsync_EverySliceBad_Throws()
    {
        var source = new SliceStackSource(new FakeStack(1) { Bad = 0 }, new ReplayOptions { Fps = 0, Playback = Playback.Loop }, _pool);
        await Assert.ThrowsAsync<MedicalFormatException>(() => RunAsync(source));
    }

    [Fact]
    public async Task RunAsync_Paced_TimestampsFollowTheFrameRate()
    {
        var source = new SliceStackSource(new FakeStack(3), new ReplayOptions { Fps = 100 }, _pool);

        long before = StageTimes.Now();
        var got = await RunAsync(source);

        Assert.Equal([0.0, 10, 20], got.Select(f => Math.Round(f.Info.Timestamp.TotalMilliseconds, 6)));
        PacingAssert.NeverEarly(before, got.Select(f => f.Times.Captured).ToArray(), periodMs: 10);
        Dispose(got);
    }

    [Fact]
    public async Task RunAsync_Cancelled_EndsQuietly()
    {
        var source = new SliceStackSource(new FakeStack(2), new ReplayOptions { Fps = 50, Playback = Playback.Loop }, _pool);
        var output = Channels.Unbounded<Frame>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.RunAsync(output.Writer, cts.Token).WaitAsync(Channels.Patience));
        output.Writer.Complete();
        Dispose(await Channels.ReadAllAsync(output.Reader));
        Assert.Equal(0, _pool.Outstanding);
    }

    private static async Task<List<Frame>> RunAsync(SliceStackSource source)
    {
        var output = Channels.Unbounded<Frame>();
        try { await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience); }
        finally { output.Writer.Complete(); }
        return await Channels.ReadAllAsync(output.Reader);
    }

    private static void Dispose(List<Frame> frames)
    {
        foreach (var f in frames) f.Dispose();
    }

    public void Dispose() => _pool.Dispose();

    /// <summary>Gray16 2×1 slices whose first byte is the slice index.</summary>
    private sealed class FakeStack(int count) : ISliceStack
    {
        public int Bad { get; init; } = -1;
        public string Description => "fake";
        public int Count => count;
        public int Width => 2;
        public int Height => 1;
        public PixelFormat Format => PixelFormat.Gray16;
        public DisplayWindow? Window => null;
        public IReadOnlyList<SkippedItem> Skipped => Bad >= 0 ? [new SkippedItem("odd.dcm", "other size")] : [];
        public string NameOf(int index) => $"slice {index}";

        public void Read(int index, Span<byte> destination)
        {
            if (index == Bad) throw new MedicalFormatException(NameOf(index), "corrupt");
            destination.Clear();
            destination[0] = (byte)index;
        }

        public void Dispose() { }
    }
}
