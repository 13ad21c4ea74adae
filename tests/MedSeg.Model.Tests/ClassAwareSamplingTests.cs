using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Training;
using OpenCvSharp;
using static TorchSharp.torch;
using Scalar = OpenCvSharp.Scalar;

namespace MedSeg.Model.Tests;

/// <summary>Class-aware foreground sampling (<see cref="BatchSampler"/>, <see cref="BatchBuilder"/>) on hand-made 16×16 masks.</summary>
public sealed class ClassAwareSamplingTests : IDisposable
{
    private const int Side = 16;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-classaware-").FullName;
    private readonly Preprocessor _pre = new(new PreprocessOptions { Width = Side, Height = Side });

    public ClassAwareSamplingTests()
    {
        // Sample 0: class 1 fills rows 0..11, class 2 is one pixel at (13, 14).
        // Samples 1 and 2: class 1 only. Sample 3: background only.
        WriteMask(0, m => { m.RowRange(0, 12).SetTo(Scalar.All(1)); m.Set(14, 13, (byte)2); });
        WriteMask(1, m => m.RowRange(0, 12).SetTo(Scalar.All(1)));
        WriteMask(2, m => m.RowRange(4, 16).SetTo(Scalar.All(1)));
        WriteMask(3, _ => { });
        File.WriteAllLines(Path.Combine(_dir, "classes.txt"), ["background", "big", "rare"]);
    }

    public void Dispose()
    {
        _pre.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ClassLocations_HandMadeMasks_KnowWhichSamplesHoldEachClass()
    {
        var locations = new ClassLocations(Prepare());

        Assert.Equal([1, 2], locations.Classes);
        Assert.Equal([0, 1, 2], locations.SamplesWith(1));
        Assert.Equal([0], locations.SamplesWith(2));
        Assert.Empty(locations.ClassesIn(3));
        Assert.Equal(14 * Side + 13, locations.RandomPixel(0, 2, new Random(1)));
        Assert.Equal(-1, locations.RandomPixel(1, 2, new Random(1)));
    }

    [Fact]
    public void Next_AllSlotsClassAware_EachClassGetsAnEqualShare_AndOnlyFromSamplesHoldingIt()
    {
        var locations = new ClassLocations(Prepare());
        var sampler = new BatchSampler(4, new Random(7), locations, foregroundShare: 1);
        var perClass = new Dictionary<int, int>();

        for (int b = 0; b < 500; b++)
            foreach (var slot in sampler.Next(4, wholePass: false))
            {
                Assert.True(slot.Forced);
                Assert.Contains(slot.Class, locations.ClassesIn(slot.Sample));
                perClass[slot.Class] = perClass.GetValueOrDefault(slot.Class) + 1;
            }

        // One pixel of class 2 against 144 of class 1 per sample: by pixels it would get < 1 %.
        Assert.InRange(perClass[2] / 2000.0, 0.45, 0.55);
        Assert.InRange(perClass[1] / 2000.0, 0.45, 0.55);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(12, 4)]
    public void ForcedSlots_IsNnUNetsLastThirdOfTheBatch(int batch, int forced) =>
        Assert.Equal(forced, BatchSampler.ForcedSlots(batch, 0.33));

    [Fact]
    public void Next_WholePass_EverySampleOnce_AndAForcedClassIsAlwaysOnePresentInItsSample()
    {
        var locations = new ClassLocations(Prepare());
        var sampler = new BatchSampler(4, new Random(3), locations, foregroundShare: 1);

        for (int pass = 0; pass < 50; pass++)
        {
            var slots = sampler.Next(4, wholePass: true);
            Assert.Equal([0, 1, 2, 3], slots.Select(s => s.Sample).Order());
            foreach (var slot in slots)
            {
                if (slot.Sample == 3) Assert.False(slot.Forced); // nothing to centre on: a random patch
                else Assert.Contains(slot.Class, locations.ClassesIn(slot.Sample));
            }
        }
    }

    [Fact]
    public void Next_NoShare_IsThePlainShuffledQueue()
    {
        var a = new BatchSampler(4, new Random(5));
        var b = new BatchSampler(4, new Random(5), new ClassLocations(Prepare()), foregroundShare: 0);

        for (int i = 0; i < 10; i++) Assert.Equal(a.Next(3, wholePass: false), b.Next(3, wholePass: false));
        Assert.All(a.Next(3, wholePass: false), s => Assert.False(s.Forced));
    }

    [Fact]
    public void Build_PatchForcedOnTheRareClass_AlwaysHoldsIt_ARandomPatchRarelyDoes()
    {
        var data = Prepare();
        var locations = new ClassLocations(data);
        using var builder = new BatchBuilder(data, Imaging.Augment.AugmentOptions.None, binary: false, patch: 4, locations);
        var rng = new Random(11);
        int forcedHits = 0, randomHits = 0;

        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            var (_, targets) = builder.Build([new BatchSlot(0, 2), new BatchSlot(0)], rng, CPU);
            var t = targets.data<long>().ToArray();
            if (t.AsSpan(0, 16).Contains(2L)) forcedHits++;
            if (t.AsSpan(16, 16).Contains(2L)) randomHits++;
        }

        Assert.Equal(200, forcedHits);
        Assert.InRange(randomHits, 0, 25); // 6 of the 169 patch positions hold the pixel: ≈ 7
    }

    private PreparedDataset Prepare() =>
        new(new PairedFolderDataset(_dir, multiClass: true), [0, 1, 2, 3], _pre);

    private void WriteMask(int index, Action<Mat> draw)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "images"));
        Directory.CreateDirectory(Path.Combine(_dir, "masks"));
        using (var image = new Mat(Side, Side, MatType.CV_8UC1, Scalar.All(40 + 50 * index)))
            Cv2.ImWrite(Path.Combine(_dir, "images", $"{index}.png"), image);
        using var mask = new Mat(Side, Side, MatType.CV_8UC1, Scalar.All(0));
        draw(mask);
        Cv2.ImWrite(Path.Combine(_dir, "masks", $"{index}.png"), mask);
    }
}
