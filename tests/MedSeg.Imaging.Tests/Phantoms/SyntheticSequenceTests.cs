using MedSeg.Imaging.Phantoms;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Phantoms;

public sealed class SyntheticSequenceTests
{
    [Theory]
    [InlineData(SyntheticTask.Lesion)]
    [InlineData(SyntheticTask.Mri)]
    public void Frame_ConsecutiveFrames_CentroidMovesSmoothly(SyntheticTask task)
    {
        var sequence = new SyntheticSequence(task, 128, seed: 3);
        double step = 0, maxStep = 0;
        var previous = Centroid(sequence, 0);
        for (long t = 1; t <= 60; t++)
        {
            var current = Centroid(sequence, t);
            double d = Math.Sqrt(Math.Pow(current.X - previous.X, 2) + Math.Pow(current.Y - previous.Y, 2));
            maxStep = Math.Max(maxStep, d);
            step += d;
            previous = current;
        }

        Assert.True(maxStep < 1.5, $"largest jump {maxStep:F2} px");
        Assert.True(step > 1, $"lesions barely move: {step:F2} px in 60 frames");
    }

    [Fact]
    public void Frame_SameIndex_IdenticalWhateverWasRenderedBefore()
    {
        var a = new SyntheticSequence(SyntheticTask.Lesion, 64, seed: 9);
        var b = new SyntheticSequence(SyntheticTask.Lesion, 64, seed: 9);
        using (b.Frame(100)) { }

        using var fa = a.Frame(12);
        using var fb = b.Frame(12);

        Assert.Equal(MaskGeometry.Bytes(fa.Image), MaskGeometry.Bytes(fb.Image));
        Assert.Equal(MaskGeometry.Bytes(fa.Mask), MaskGeometry.Bytes(fb.Mask));
    }

    [Fact]
    public void Frame_NextFrame_RedrawsSpeckleButKeepsMask()
    {
        var sequence = new SyntheticSequence(SyntheticTask.Lesion, 128, seed: 4);

        using var f0 = sequence.Frame(0);
        using var f1 = sequence.Frame(1);
        using var overlap = new Mat();
        Cv2.BitwiseAnd(f0.Mask, f1.Mask, overlap);
        using var union = new Mat();
        Cv2.BitwiseOr(f0.Mask, f1.Mask, union);

        Assert.NotEqual(MaskGeometry.Bytes(f0.Image), MaskGeometry.Bytes(f1.Image));
        Assert.True(Cv2.CountNonZero(overlap) > 0.9 * Cv2.CountNonZero(union));
    }

    [Theory]
    [InlineData(SyntheticTask.Lesion)]
    [InlineData(SyntheticTask.Mri)]
    public void Frame_LesionTasks_AlwaysShowALesion(SyntheticTask task)
    {
        for (int seed = 0; seed < 15; seed++)
        {
            using var frame = new SyntheticSequence(task, 64, seed).Frame(seed * 7);
            Assert.True(Cv2.CountNonZero(frame.Mask) > 0, $"seed {seed}");
        }
    }

    [Fact]
    public void Frame_Lungs_BreatheSlowly()
    {
        var sequence = new SyntheticSequence(SyntheticTask.Lungs, 128, seed: 2);
        var areas = new List<int>();
        for (long t = 0; t < 120; t++)
        {
            using var frame = sequence.Frame(t);
            areas.Add(Cv2.CountNonZero(frame.Mask));
        }

        int largestChange = areas.Zip(areas.Skip(1), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(areas.Max() - areas.Min() > 50, "lungs should change size over a breath");
        Assert.True(largestChange < 0.02 * areas[0], $"area jumped by {largestChange}");
    }

    [Fact]
    public void Frame_NegativeIndex_Throws()
    {
        var sequence = new SyntheticSequence(SyntheticTask.Mri, 64, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => sequence.Frame(-1));
    }

    private static (double X, double Y) Centroid(SyntheticSequence sequence, long index)
    {
        using var frame = sequence.Frame(index);
        return MaskGeometry.Centroid(frame.Mask);
    }
}
