using MedSeg.Core.Metrics;

namespace MedSeg.Core.Tests.Metrics;

public sealed class HausdorffDistanceTests
{
    private const double Tol = 1e-9;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Percentile95_IdenticalMasks_IsZero(int seed)
    {
        var mask = TestMasks.RandomBlobs(new Random(seed), 48, 40, shapes: 4, noise: 0.02);

        Assert.Equal(0.0, HausdorffDistance.Percentile95(mask, (byte[])mask.Clone(), 48, 40, 1));
    }

    [Theory]
    [InlineData(1, 3, 0)]
    [InlineData(4, 3, 0)]
    [InlineData(10, 3, 0)]
    [InlineData(40, 3, 0)]
    [InlineData(10, -3, 0)]
    [InlineData(10, 0, 3)]
    [InlineData(40, 0, -3)]
    public void Percentile95_SquareShiftedByThree_IsThree(int side, int dx, int dy)
    {
        // Every surface pixel of A, moved by the shift, is a surface pixel of B, so no distance
        // exceeds 3; the side of A that trails the shift is exactly 3 from B's nearest surface, and
        // those pixels (with their mirror images in B) are far more than 5 % of all distances.
        const int w = 64, h = 64;
        var a = TestMasks.Square(w, h, 10, 10, side);
        var b = TestMasks.Square(w, h, 10 + dx, 10 + dy, side);

        Assert.Equal(3.0, HausdorffDistance.Percentile95(a, b, w, h, 1), Tol);
        Assert.Equal(3.0, HausdorffDistance.Percentile(a, b, w, h, 1, 100), Tol);
    }

    [Fact]
    public void Percentile95_SinglePixels_IsEuclidean()
    {
        // (0,0) and (3,4): a 3-4-5 triangle, so both directed distances are 5 (not 7 or 4).
        var (a, w, h) = TestMasks.Parse("1....", ".....", ".....", ".....", ".....");
        var (b, _, _) = TestMasks.Parse(".....", ".....", ".....", ".....", "...1.");

        Assert.Equal(5.0, HausdorffDistance.Percentile95(a, b, w, h, 1), Tol);
    }

    [Fact]
    public void Percentile_ThreeDistances_InterpolatesLikeNumpy()
    {
        // A = {x0}, B = {x0, x5} (one row, so every pixel is on the image edge and thus surface).
        // A->B: [0]; B->A: [0, 5]; pooled sorted [0, 0, 5].
        // numpy.percentile([0,0,5], 95): position 0.95 * 2 = 1.9 -> 0 + 0.9 * (5 - 0) = 4.5
        //                          50: position 1 -> 0;  100 -> 5;  75: position 1.5 -> 2.5
        var (a, w, h) = TestMasks.Parse("1.......");
        var (b, _, _) = TestMasks.Parse("1....1..");

        Assert.Equal(4.5, HausdorffDistance.Percentile95(a, b, w, h, 1), Tol);
        Assert.Equal(0.0, HausdorffDistance.Percentile(a, b, w, h, 1, 50), Tol);
        Assert.Equal(2.5, HausdorffDistance.Percentile(a, b, w, h, 1, 75), Tol);
        Assert.Equal(5.0, HausdorffDistance.Percentile(a, b, w, h, 1, 100), Tol);
        Assert.Equal(0.0, HausdorffDistance.Percentile(a, b, w, h, 1, 0), Tol);
    }

    [Fact]
    public void Percentile_FilledSquareVersusItsOutline_IsZero()
    {
        // Only boundaries are compared: the interior of the filled square is not surface, so it
        // matches its own outline exactly. Counting interior pixels would give the centre distance 2.
        var (filled, w, h) = TestMasks.Parse(".......", ".11111.", ".11111.", ".11111.", ".11111.", ".11111.", ".......");
        var (outline, _, _) = TestMasks.Parse(".......", ".11111.", ".1...1.", ".1...1.", ".1...1.", ".11111.", ".......");

        Assert.Equal(0.0, HausdorffDistance.Percentile(filled, outline, w, h, 1, 100));
    }

    [Fact]
    public void Percentile_DiagonalOnlyBackgroundNeighbour_IsNotSurface()
    {
        // The hole at (2,2) touches (3,3) only diagonally. With 4-neighbours (MONAI/medpy) (3,3) is
        // interior, so the surface is exactly the hand-drawn set below; 8-neighbours would add (3,3),
        // which is 1 pixel from that set and would make the maximum 1.
        var (mask, w, h) = TestMasks.Parse(".......", ".11111.", ".1.111.", ".11111.", ".11111.", ".11111.", ".......");
        var (surface, _, _) = TestMasks.Parse(".......", ".11111.", ".1.1.1.", ".11..1.", ".1...1.", ".11111.", ".......");
        // (2,3) sits below the hole and (3,2) right of it: both are surface; (3,3) is not.

        Assert.Equal(0.0, HausdorffDistance.Percentile(mask, surface, w, h, 1, 100));
    }

    [Fact]
    public void Percentile_MaskFillingTheImage_HasItsEdgeAsSurface()
    {
        // The image edge counts as outside, so a full mask's surface is the border ring, not empty.
        var (full, w, h) = TestMasks.Parse("1111", "1111", "1111", "1111");
        var (ring, _, _) = TestMasks.Parse("1111", "1..1", "1..1", "1111");

        Assert.Equal(0.0, HausdorffDistance.Percentile(full, ring, w, h, 1, 100));
    }

    [Fact]
    public void Percentile95_BothEmpty_IsZero()
    {
        var empty = new byte[30];

        Assert.Equal(0.0, HausdorffDistance.Percentile95(empty, new byte[30], 6, 5, 1));
    }

    [Fact]
    public void Percentile95_ExactlyOneEmpty_IsNaN()
    {
        var empty = new byte[36];
        var square = TestMasks.Square(6, 6, 1, 1, 3);

        Assert.True(double.IsNaN(HausdorffDistance.Percentile95(empty, square, 6, 6, 1)));
        Assert.True(double.IsNaN(HausdorffDistance.Percentile95(square, empty, 6, 6, 1)));
    }

    [Fact]
    public void Percentile95_OtherClasses_AreIgnored()
    {
        // Class 2 pixels far away must not change the class-1 distance (1 here: columns 1 and 2).
        var (a, w, h) = TestMasks.Parse(".1.....2", ".1......");
        var (b, _, _) = TestMasks.Parse("..1.....", "..1....2");

        Assert.Equal(1.0, HausdorffDistance.Percentile95(a, b, w, h, 1), Tol);
        Assert.Equal(0.0, HausdorffDistance.Percentile95(a, a, w, h, 2), Tol);
        Assert.Equal(0.0, HausdorffDistance.Percentile95(a, b, w, h, 3)); // absent from both: 0, not NaN
    }

    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(2, 17, 9)]
    [InlineData(3, 9, 31)]
    [InlineData(4, 64, 48)]
    [InlineData(5, 1, 40)]
    [InlineData(6, 40, 1)]
    [InlineData(7, 2, 2)]
    public void Percentile_RandomBlobs_MatchesBruteForce(int seed, int w, int h)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 10; trial++)
        {
            var a = TestMasks.RandomBlobs(rng, w, h, shapes: 1 + rng.Next(4), noise: rng.NextDouble() * 0.05);
            var b = TestMasks.RandomBlobs(rng, w, h, shapes: 1 + rng.Next(4), noise: rng.NextDouble() * 0.05);
            AssertMatchesBruteForce(a, b, w, h);
        }
    }

    [Theory]
    [InlineData(11, 0.002)]
    [InlineData(12, 0.01)]
    [InlineData(13, 0.3)]
    [InlineData(14, 0.9)]
    public void Percentile_RandomNoise_MatchesBruteForce(int seed, double density)
    {
        // Sparse noise leaves a few isolated seeds across large empty areas, which is where a
        // distance-transform envelope is easiest to get wrong.
        var rng = new Random(seed);
        const int w = 50, h = 37;
        for (int trial = 0; trial < 5; trial++)
        {
            var a = TestMasks.RandomNoise(rng, w, h, density);
            var b = TestMasks.RandomNoise(rng, w, h, density);
            AssertMatchesBruteForce(a, b, w, h);
        }
    }

    [Fact]
    public void Percentile95_256x256Blobs_MatchesBruteForce()
    {
        var rng = new Random(256);
        var a = TestMasks.RandomBlobs(rng, 256, 256, shapes: 3, noise: 0);
        var b = TestMasks.RandomBlobs(rng, 256, 256, shapes: 3, noise: 0);

        double expected = BruteForceHausdorff.Percentile(a, b, 256, 256, 1, 95);

        Assert.False(double.IsNaN(expected));
        Assert.Equal(expected, HausdorffDistance.Percentile95(a, b, 256, 256, 1), Tol);
    }

    [Fact]
    public void Percentile95_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => HausdorffDistance.Percentile95(new byte[12], new byte[12], 4, 4, 1));
        Assert.Throws<ArgumentException>(() => HausdorffDistance.Percentile95(new byte[16], new byte[15], 4, 4, 1));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100.5)]
    [InlineData(double.NaN)]
    public void Percentile_OutOfRange_Throws(double percentile)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HausdorffDistance.Percentile(new byte[4], new byte[4], 2, 2, 1, percentile));
    }

    private static void AssertMatchesBruteForce(byte[] a, byte[] b, int w, int h)
    {
        foreach (double p in new[] { 0.0, 50.0, 95.0, 100.0 })
        {
            double expected = BruteForceHausdorff.Percentile(a, b, w, h, 1, p);
            double actual = HausdorffDistance.Percentile(a, b, w, h, 1, p);
            if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual), $"p{p}: expected undefined, got {actual}");
            else Assert.Equal(expected, actual, Tol);
        }
    }

    [Fact]
    public void Percentile95_DirectedMaximum_TakesTheLargerDirectedPercentile()
    {
        // Same masks as above: A->B [0] gives 0; B->A [0, 5] gives position 0.95 -> 4.75; MONAI takes 4.75
        // where the pooled set [0, 0, 5] gives 4.5.
        var (a, w, h) = TestMasks.Parse("1.......");
        var (b, _, _) = TestMasks.Parse("1....1..");

        Assert.Equal(4.75, HausdorffDistance.Percentile95(a, b, w, h, 1, Hd95Convention.DirectedMaximum), Tol);
        Assert.Equal(4.75, HausdorffDistance.Percentile95(b, a, w, h, 1, Hd95Convention.DirectedMaximum), Tol);
        Assert.Equal(4.5, HausdorffDistance.Percentile95(a, b, w, h, 1, Hd95Convention.Pooled), Tol);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Percentile_DirectedMaximum_MatchesBruteForce(int seed)
    {
        var rng = new Random(seed);
        var a = TestMasks.RandomBlobs(rng, 40, 32, shapes: 3, noise: 0.02);
        var b = TestMasks.RandomBlobs(rng, 40, 32, shapes: 3, noise: 0.02);
        foreach (double p in new[] { 0.0, 50, 95, 100 })
        {
            double expected = BruteForceHausdorff.DirectedMaximum(a, b, 40, 32, 1, p);
            double actual = HausdorffDistance.Percentile(a, b, 40, 32, 1, p, Hd95Convention.DirectedMaximum);
            if (double.IsNaN(expected)) Assert.True(double.IsNaN(actual));
            else Assert.Equal(expected, actual, Tol);
        }
        // At 100 both conventions are the classic Hausdorff distance.
        Assert.Equal(HausdorffDistance.Percentile(a, b, 40, 32, 1, 100), HausdorffDistance.Percentile(a, b, 40, 32, 1, 100, Hd95Convention.DirectedMaximum), Tol);
    }
}
