using MedSeg.Model;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

public sealed class LossesTests
{
    [Fact]
    public void Dice_PerfectConfidentPrediction_IsNearZero()
    {
        using var target = zeros(1, 1, 8, 8);
        target[.., .., 2..6, 2..6] = 1;
        using var logits = (target * 2 - 1) * 50; // sigmoid ≈ 0 or 1
        using var loss = Losses.DiceLoss(logits, target, binary: true);
        Assert.InRange(loss.item<float>(), 0f, 1e-3f);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Dice_OnBackground_IsTheForegroundDiceOfTheInvertedTask(bool batch)
    {
        manual_seed(3);
        using var logits = randn(2, 1, 16, 16);
        using var target = rand(2, 1, 16, 16).gt(0.8).to_type(ScalarType.Float32); // foreground 20 %, background 80 %
        using var inverted = 1 - target;
        using var negated = -logits;
        float background = Losses.DiceLoss(logits, target, binary: true, batch, BinaryDice.Background).item<float>();
        float mirrored = Losses.DiceLoss(negated, inverted, binary: true, batch).item<float>();
        float foreground = Losses.DiceLoss(logits, target, binary: true, batch).item<float>();
        float both = Losses.DiceLoss(logits, target, binary: true, batch, BinaryDice.Both).item<float>();
        Assert.Equal(mirrored, background, 5);
        Assert.NotEqual(foreground, background, 2);
        Assert.Equal((foreground + background) / 2, both, 5);
    }

    [Fact]
    public void Dice_OnBackground_PredictingAllForeground_OnAMajorityForegroundMask_IsNearOne()
    {
        // ISBI-like: cells (foreground) everywhere but a thin membrane line. The foreground Dice of
        // an all-cells answer is near perfect; the background (membrane) Dice sees it is useless.
        using var target = ones(1, 1, 16, 16);
        target[.., .., 8, ..] = 0;
        using var logits = full(1, 1, 16, 16, 50f);
        Assert.InRange(Losses.DiceLoss(logits, target, binary: true).item<float>(), 0f, 0.04f);
        Assert.InRange(Losses.DiceLoss(logits, target, binary: true, binaryDice: BinaryDice.Background).item<float>(), 0.9f, 1f);
    }

    [Fact]
    public void Dice_CompletelyWrong_IsNearOne()
    {
        using var target = zeros(1, 1, 8, 8);
        target[.., .., 2..6, 2..6] = 1;
        using var logits = (1 - target * 2) * 50;
        using var loss = Losses.DiceLoss(logits, target, binary: true);
        // 16 foreground pixels, none predicted: 1 − (0 + 1) / (48 + 16 + 1) ≈ 0.985
        Assert.InRange(loss.item<float>(), 0.98f, 0.99f);
    }

    [Fact]
    public void Dice_BatchDice_OneStrayPixelInAnImageWithoutTheClass_CostsLittle_PerImageItCostsHalfThatImagesTerm()
    {
        // Image 0 holds 16 pixels of the class, predicted exactly; image 1 holds none, and one pixel is predicted there.
        using var target = zeros(2, 1, 8, 8);
        target[0, .., 2..6, 2..6] = 1;
        using var predicted = target.clone();
        predicted[1, 0, 0, 0] = 1;
        using var logits = (predicted * 2 - 1) * 50;

        using var perImage = Losses.DiceLoss(logits, target, binary: true);
        using var batch = Losses.DiceLoss(logits, target, binary: true, batch: true);

        // Per image: 1 − ((33/33) + (1/2)) / 2 = 0.25. Over the batch: 1 − (2·16 + 1) / (17 + 16 + 1) = 1/34.
        Assert.Equal(0.25, perImage.item<float>(), 3);
        Assert.Equal(1.0 / 34, batch.item<float>(), 3);
    }

    [Fact]
    public void Bce_MatchesHandComputedValue()
    {
        using var logits = tensor(new float[] { 0f, 2f }, [1, 1, 1, 2]);
        using var target = tensor(new float[] { 1f, 0f }, [1, 1, 1, 2]);
        using var loss = Losses.Compute(LossKind.Bce, logits, target);
        double expected = (Math.Log(2) + Math.Log(1 + Math.Exp(2))) / 2; // −log σ(0), −log(1 − σ(2))
        Assert.Equal(expected, loss.item<float>(), 4);
    }

    [Fact]
    public void CrossEntropyDice_MultiClass_IsFiniteAndHasGradient()
    {
        using var logits = randn(2, 3, 8, 8, requires_grad: true);
        using var target = randint(0, 3, [2, 8, 8], dtype: ScalarType.Int64);
        using var loss = Losses.Compute(LossKind.CrossEntropyDice, logits, target);
        loss.backward();
        Assert.True(float.IsFinite(loss.item<float>()));
        Assert.NotNull(logits.grad);
    }

    [Fact]
    public void CheckCompatible_BinaryLossOnMultiClassModel_Throws()
    {
        var multi = new UNetOptions { ClassNames = ["bg", "a", "b"] };
        Assert.Throws<ArgumentException>(() => Losses.CheckCompatible(LossKind.Bce, multi));
        Assert.Throws<ArgumentException>(() => Losses.CheckCompatible(LossKind.CrossEntropy, new UNetOptions()));
    }

    [Theory]
    [InlineData("bce+dice", LossKind.BceDice)]
    [InlineData("CE", LossKind.CrossEntropy)]
    [InlineData("dice", LossKind.Dice)]
    public void Parse_KnownNames(string s, LossKind expected) => Assert.Equal(expected, Losses.Parse(s));
}
