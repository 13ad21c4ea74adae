using System.Buffers;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Tests.Frames;

public sealed class FramePoolTests
{
    private static readonly FrameInfo s_info = new(0, TimeSpan.Zero, 32, 16, PixelFormat.Gray16);

    [Fact]
    public void Rent_SizesPixelsFromInfo()
    {
        using var pool = new FramePool();
        using var frame = pool.Rent(s_info);
        Assert.Equal(32 * 16 * 2, frame.Pixels.Length);
        Assert.Equal(1, frame.RefCount);
        Assert.Equal(1, pool.Outstanding);
    }

    [Fact]
    public void Dispose_LastReference_ReturnsFrameAndNextRentReusesItAndItsBuffers()
    {
        using var pool = new FramePool();
        var first = pool.Rent(s_info);
        first.AllocateInput(100);
        first.AllocateOutputs(8, 8);
        first.Times.Captured = 42;
        first.Flags = FrameFlags.Smoothed;
        first.Dispose();
        long buffers = pool.BuffersRented;

        var second = pool.Rent(s_info with { Seq = 1 });

        // A new lease on the same pooled image: the old lease is stale, the storage is reused.
        Assert.NotSame(first, second);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.Throws<ObjectDisposedException>(() => first.Info);
        Assert.Equal(1, second.Info.Seq);
        Assert.Equal(0, second.Times.Captured);
        Assert.Equal(FrameFlags.None, second.Flags);
        Assert.True(second.Input.IsEmpty && second.Labels.IsEmpty);
        second.AllocateInput(100);
        second.AllocateOutputs(8, 8);
        Assert.Equal(buffers, pool.BuffersRented); // nothing new rented in the steady state
        Assert.Equal(1, pool.FramesCreated);
        second.Dispose();
    }

    [Fact]
    public void AddRef_EachHolderReleases_OnlyTheLastReturnsTheFrame()
    {
        using var pool = new FramePool();
        var frame = pool.Rent(s_info);
        var second = frame.AddRef();
        var third = frame.AddRef();
        Assert.Equal(3, frame.RefCount);

        frame.Dispose();
        second.Dispose();
        Assert.Equal(1, pool.Outstanding);
        Assert.Equal(1, third.RefCount);
        third.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Frame_UsedAfterLastRelease_Throws()
    {
        using var pool = new FramePool();
        var frame = pool.Rent(s_info);
        frame.Dispose();

        Assert.Throws<ObjectDisposedException>(() => frame.Pixels.Length);
        Assert.Throws<ObjectDisposedException>(() => frame.AddRef());
        Assert.Throws<FrameLeaseException>(() => frame.Dispose());
    }

    [Fact]
    public void Dispose_Pool_GivesEveryBufferBackToTheMemoryPool()
    {
        var memory = new CountingPool();
        var pool = new FramePool(memory, maxRetained: 2);
        var frames = Enumerable.Range(0, 5).Select(i => pool.Rent(s_info with { Seq = i })).ToList();
        foreach (var f in frames)
        {
            f.AllocateInput(64);
            f.AttachGroundTruth().Fill(1);
        }
        foreach (var f in frames) f.Dispose(); // 3 beyond maxRetained give their buffers back at once

        pool.Dispose();

        Assert.Equal(15, memory.Rented);
        Assert.Equal(memory.Rented, memory.Returned);
        Assert.Equal(pool.BuffersRented, pool.BuffersReturned);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(s_info));
    }

    [Fact]
    public void AttachGroundTruth_SizedLikeTheImageAndFlagged()
    {
        using var pool = new FramePool();
        using var frame = pool.Rent(s_info);
        Assert.False(frame.HasGroundTruth);
        Assert.Equal(32 * 16, frame.AttachGroundTruth().Length);
        Assert.True(frame.HasGroundTruth);
    }

    [Fact]
    public void Rent_InvalidInfo_Throws()
    {
        using var pool = new FramePool();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(s_info with { Width = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(s_info with { Format = (PixelFormat)99 }));
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, 1)]
    [InlineData(PixelFormat.Gray16, 2)]
    [InlineData(PixelFormat.Int16, 2)]
    [InlineData(PixelFormat.Bgr24, 3)]
    [InlineData(PixelFormat.Float32, 4)]
    public void BytesPerPixel_EachFormat(PixelFormat format, int bytes) => Assert.Equal(bytes, format.BytesPerPixel());

    private sealed class CountingPool : MemoryPool<byte>
    {
        public int Rented, Returned;
        public override int MaxBufferSize => int.MaxValue;
        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            Rented++;
            return new Owner(this, new byte[Math.Max(minBufferSize, 1)]);
        }
        protected override void Dispose(bool disposing) { }

        private sealed class Owner(CountingPool pool, byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;
            public void Dispose() => pool.Returned++;
        }
    }
}
