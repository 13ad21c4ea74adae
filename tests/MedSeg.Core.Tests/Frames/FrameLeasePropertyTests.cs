using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CsCheck;
using MedSeg.Core.Frames;

namespace MedSeg.Core.Tests.Frames;

/// <summary>
/// Random sequences of rent / lease / release / misuse against a model of who holds what: the pool
/// never hands an image to two owners, every lease sees its own image, and a doubled or stale
/// release is caught without freeing someone else's frame.
/// </summary>
public sealed class FrameLeasePropertyTests
{
    private static readonly FrameInfo s_info = new(0, TimeSpan.Zero, 8, 8, PixelFormat.Gray8);

    /// <summary>(operation, which lease): 0 rent, 1 add a lease, 2 release, 3 release again, 4 use a released lease.</summary>
    private static readonly Gen<(int Op, int Pick)[]> s_ops = Gen.Select(Gen.Int[0, 4], Gen.Int[0, 1000]).Array[1, 80];

    [Fact]
    public void RandomLeaseSequences_KeepTheModel_AndCatchEveryMisuse() => s_ops.Sample(ops =>
    {
        using var pool = new FramePool(maxRetained: 4, throwOnMisuse: true);
        var live = new List<(Frame Lease, int Image)>();
        var released = new List<(Frame Lease, int Image)>();
        int images = 0, misuses = 0;
        foreach (var (op, pick) in ops)
        {
            switch (op)
            {
                case 0:
                    var frame = pool.Rent(s_info with { Seq = images });
                    frame.Pixels[0] = (byte)images; // the image's own mark: a lease must never see another's
                    live.Add((frame, images++));
                    break;
                case 1 when live.Count > 0:
                    var (lease, image) = live[pick % live.Count];
                    live.Add((lease.AddRef(), image));
                    break;
                case 2 when live.Count > 0:
                    var gone = live[pick % live.Count];
                    live.Remove(gone);
                    gone.Lease.Dispose();
                    released.Add(gone);
                    break;
                case 3 when released.Count > 0:
                    long before = pool.Outstanding;
                    Assert.Throws<FrameLeaseException>(() => released[pick % released.Count].Lease.Dispose());
                    Assert.Equal(before, pool.Outstanding);
                    misuses++;
                    break;
                case 4 when released.Count > 0:
                    Assert.Throws<ObjectDisposedException>(() => released[pick % released.Count].Lease.Pixels[0]);
                    break;
            }
            // The model: one pooled image per distinct image id still leased; each lease counts its image's leases and sees its mark.
            Assert.Equal(live.Select(l => l.Image).Distinct().Count(), pool.Outstanding);
            foreach (var (lease, image) in live)
            {
                Assert.Equal((byte)image, lease.Pixels[0]);
                Assert.Equal(image, lease.Info.Seq);
                Assert.Equal(live.Count(l => l.Image == image), lease.RefCount);
            }
        }
        foreach (var (lease, _) in live) lease.Dispose();
        Assert.Equal(0, pool.Outstanding);
        Assert.Equal(misuses, pool.LeaseMisuses);
    }, iter: 300);

    [Fact]
    public void ReleaseBuildSemantics_MisusesAreCountedAndLeaveTheOtherHolderAlone() => Gen.Int[1, 5].Sample(extra =>
    {
        using var pool = new FramePool(throwOnMisuse: false);
        var a = pool.Rent(s_info);
        var b = a.AddRef();
        for (int i = 0; i < extra; i++) a.Dispose(); // the first releases a's lease; the rest are misuses

        Assert.Equal(extra - 1, pool.LeaseMisuses);
        Assert.Equal(1, pool.Outstanding);
        Assert.Equal(1, b.RefCount);
        b.Dispose();
        var reused = pool.Rent(s_info);
        b.Dispose(); // stale: b's image now belongs to `reused`
        Assert.Equal(extra, pool.LeaseMisuses);
        Assert.Equal(1, reused.RefCount);
        reused.Dispose();
        Assert.Equal(0, pool.Outstanding);
    });

    [Fact]
    public void SealedFrame_RefusesWrites_ButReads()
    {
        using var pool = new FramePool();
        using var frame = pool.Rent(s_info);
        frame.AllocateOutputs(4, 4);
        frame.Seal();

        Assert.Throws<FrameLeaseException>(() => frame.AllocateOutputs(4, 4));
        Assert.Throws<FrameLeaseException>(() => frame.AttachGroundTruth());
        Assert.Throws<FrameLeaseException>(() => frame.Flags = FrameFlags.Smoothed);
        Assert.Throws<FrameLeaseException>(() => frame.MarkBad(FrameDropReason.BadBuffer, "late"));
        Assert.Throws<FrameLeaseException>(() => frame.Times.Recorded = 1); // sinks keep their own stamps
        Assert.Equal(0, frame.ReadOnlyTimes.Recorded);
        Assert.Equal(16, frame.ReadOnlyLabels.Length);
        Assert.True(frame.IsSealed);
    }

    [Fact]
    public void SealedFrame_EveryWritableSpan_Throws()
    {
        using var pool = new FramePool();
        using var frame = pool.Rent(s_info);
        frame.AllocateInput(16);
        frame.AllocateOutputs(4, 4);
        frame.AttachGroundTruth();
        frame.Seal();

        Assert.Throws<FrameLeaseException>(() => { frame.Pixels[0] = 1; });
        Assert.Throws<FrameLeaseException>(() => { frame.Input[0] = 1; });
        Assert.Throws<FrameLeaseException>(() => { frame.Labels[0] = 1; });
        Assert.Throws<FrameLeaseException>(() => { frame.Foreground[0] = 1; });
        Assert.Throws<FrameLeaseException>(() => { frame.GroundTruth[0] = 1; });
    }

    [Fact]
    public void SealedFrame_ReadOnlySpans_AreTheWrittenMemoryNotCopies()
    {
        using var pool = new FramePool();
        using var frame = pool.Rent(s_info);
        frame.AllocateInput(16);
        frame.AllocateOutputs(4, 4);
        frame.Pixels[3] = 7;
        frame.Input[2] = 0.25f;
        frame.Labels[5] = 1;
        frame.Foreground[5] = 0.75f;
        frame.AttachGroundTruth()[1] = 2;
        ref byte pixels = ref MemoryMarshal.GetReference(frame.Pixels);
        ref byte labels = ref MemoryMarshal.GetReference(frame.Labels);
        ref float foreground = ref MemoryMarshal.GetReference(frame.Foreground);
        frame.Seal();

        Assert.True(Unsafe.AreSame(ref pixels, ref MemoryMarshal.GetReference(frame.ReadOnlyPixels)));
        Assert.True(Unsafe.AreSame(ref labels, ref MemoryMarshal.GetReference(frame.ReadOnlyLabels)));
        Assert.True(Unsafe.AreSame(ref foreground, ref MemoryMarshal.GetReference(frame.ReadOnlyForeground)));
        Assert.Equal((7, 0.25f, 1, 0.75f, 2), (frame.ReadOnlyPixels[3], frame.ReadOnlyInput[2], frame.ReadOnlyLabels[5], frame.ReadOnlyForeground[5], frame.ReadOnlyGroundTruth[1]));
    }
}
