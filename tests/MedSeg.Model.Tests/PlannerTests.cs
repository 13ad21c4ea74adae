using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model.Planning;
using MedSeg.Model.Training;

namespace MedSeg.Model.Tests;

public sealed class PlannerTests
{
    private sealed class FixedTimer(double secondsPerStep) : IStepTimer
    {
        public List<(int Width, int Height, int Batch)> Asked { get; } = [];
        public double InferenceMilliseconds { get; init; } = 42;
        public double SecondsPerStep(int width, int height, int batch, int channels, int classes) { Asked.Add((width, height, batch)); return secondsPerStep; }
        public double InferenceMs(int width, int height, int patch, int channels, int classes) => InferenceMilliseconds;
    }

    private static DatasetFingerprint Fingerprint(int size, string depth, double min, double max, double fgLow = 0, double fgHigh = 1,
                                                  double fgMean = 0.5, double fgStd = 0.2, int classes = 2) =>
        new(24, size, size, size, size, size, size, 1, depth, min, max, fgLow, (fgLow + fgHigh) / 2, fgHigh, fgMean, fgStd,
            Enumerable.Range(0, classes).Select(c => c == 0 ? 0.8 : 0.2 / (classes - 1)).ToArray(), 0.2, 1, 3, null);

    [Fact]
    public void Plan_EightBitThinStructuresAt512_KeepsNativeResolutionWithPatchesAndTiling()
    {
        var timer = new FixedTimer(0.5);

        var plan = Planner.Plan(Fingerprint(512, "8-bit", 0, 255), new PlannerOptions(), timer);

        Assert.Equal("8-bit", plan.DataKind);
        Assert.Equal(Normalization.UnitRange, plan.Preprocess.Normalization);
        Assert.Equal((512, 512), (plan.InputWidth, plan.InputHeight));
        Assert.Equal(256, plan.Patch);
        Assert.True(plan.Tiled);
        Assert.Equal(4, plan.BatchSize);
        Assert.True(plan.ForegroundOversample > 0);
        Assert.Equal([(256, 256, 4)], timer.Asked);
        Assert.Equal(42, plan.InferenceMsPerFrame);
    }

    [Theory]
    [InlineData(2, 0.94, BinaryDice.Background)] // ISBI 2012: cells 255 around thin membranes
    [InlineData(2, 0.06, BinaryDice.Foreground)] // the same set with membranes as foreground
    [InlineData(2, 0.50, BinaryDice.Foreground)]
    [InlineData(3, 0.94, BinaryDice.Foreground)] // multi-class: Dice over the foreground classes, as nnU-Net
    public void Plan_BinaryDice_ScoresTheMinorityClass(int classes, double foreground, BinaryDice expected)
    {
        var f = Fingerprint(512, "8-bit", 0, 255, classes: classes) with { ForegroundFraction = foreground };
        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.5));
        Assert.Equal(expected, plan.BinaryDice);
        Assert.Equal(expected, plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" }).BinaryDice);
        Assert.Equal(expected != BinaryDice.Foreground, plan.Reasons.Any(r => r.Contains("scores the background")));
    }

    [Fact]
    public void Plan_CtInHounsfieldUnits_ClipsToForegroundPercentilesAndZScoresWithDatasetStats()
    {
        var plan = Planner.Plan(Fingerprint(256, "16-bit signed", -1024, 2500, fgLow: -120, fgHigh: 1400, fgMean: 180, fgStd: 320, classes: 3),
                                new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal("CT (HU)", plan.DataKind);
        var p = plan.Preprocess;
        Assert.Equal(Normalization.DatasetStats, p.Normalization);
        // The low end reaches air (−1024 HU), so air is not folded onto the darkest foreground.
        Assert.Equal((-1024.0, 1400.0, 180.0, 320.0), (p.DatasetLow, p.DatasetHigh, p.DatasetMean, p.DatasetStd));
        Assert.Equal(0, plan.Patch);
        Assert.False(plan.Tiled);
        // Whole images too: the class-aware share is what brings slices holding a small class into the batches.
        Assert.Equal(0.33, plan.ForegroundOversample);
        Assert.Contains(plan.Reasons, r => r.StartsWith($"class-aware sampling: {BatchSampler.ForcedSlots(plan.BatchSize, 0.33)} of each batch of {plan.BatchSize} "));
        Assert.Equal("ce+dice", plan.Loss);
    }

    [Fact]
    public void Plan_CtOfANarrowOrgan_ExtendsTheLowClipAtMostTenSdBelowTheMean()
    {
        // An organ at 20–90 HU (mean 50, sd 20): air would sit 52 sd away; the clip stops at 50 − 10·20.
        var plan = Planner.Plan(Fingerprint(256, "16-bit signed", -3024, 1800, fgLow: 20, fgHigh: 90, fgMean: 50, fgStd: 20),
                                new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal("CT (HU)", plan.DataKind);
        Assert.Equal((-150.0, 90.0), (plan.Preprocess.DatasetLow, plan.Preprocess.DatasetHigh));
    }

    [Fact]
    public void Plan_SixteenBitWithoutAir_IsMriLikeWithPerImageZScore()
    {
        var plan = Planner.Plan(Fingerprint(181, "16-bit", 0, 4000), new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal("MRI-like", plan.DataKind);
        Assert.Equal(Normalization.ZScore, plan.Preprocess.Normalization);
        Assert.Equal((176, 176), (plan.InputWidth, plan.InputHeight)); // nearest multiple of 16
        Assert.False(plan.Tiled);
    }

    [Fact]
    public void Plan_SkullStrippedMri_ZScoresOverTheNonZeroRegionOnly()
    {
        // A brain-extracted T1: the non-zero box covers 60 % of each slice (nnU-Net's rule: < 75 %).
        var stripped = Fingerprint(181, "16-bit", 0, 4000) with { NonZeroBoxFraction = 0.6 };
        var head = Fingerprint(181, "16-bit", 0, 4000) with { NonZeroBoxFraction = 0.9 };

        var strippedPlan = Planner.Plan(stripped, new PlannerOptions(), new FixedTimer(0.5));
        var headPlan = Planner.Plan(head, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal("MRI-like", strippedPlan.DataKind);
        Assert.Equal(Normalization.ZScoreNonZero, strippedPlan.Preprocess.Normalization);
        Assert.Equal(Normalization.ZScore, headPlan.Preprocess.Normalization);
    }

    [Theory]
    [InlineData(94, 5)]    // 94 MRI slices: the 5 % cap (4.7 images) binds below the 7 that 176×224 pixels allow
    [InlineData(1000, 7)]  // a large set: the pixel rule binds
    [InlineData(10, 2)]    // tiny set: never below 2 (batch norm)
    public void Plan_SmallMriSet_CapsTheBatchAtFivePercentOfTheDataSet(int images, int expectedBatch)
    {
        var f = Fingerprint(181, "16-bit", 0, 4000) with { MedianHeight = 217, SetSize = images };

        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal((176, 224), (plan.InputWidth, plan.InputHeight));
        Assert.Equal(expectedBatch, plan.BatchSize);
    }

    [Fact]
    public void Plan_EightBitWithZeroBackground_StaysOnTheSharedEightBitScale()
    {
        var plan = Planner.Plan(Fingerprint(256, "8-bit", 0, 255) with { NonZeroBoxFraction = 0.5 }, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal(Normalization.UnitRange, plan.Preprocess.Normalization);
    }

    [Theory]
    [InlineData(0.5, 110, 220)]   // budget / step time
    [InlineData(5.0, 110, 150)]   // slow machine: at least MinSteps
    [InlineData(0.001, 110, 4000)] // fast machine: at most MaxSteps
    public void Plan_Steps_FitTheBudgetWithinLimitsInWholeEpochs(double perStep, double budget, int expectedAtLeast)
    {
        var plan = Planner.Plan(Fingerprint(128, "8-bit", 0, 255), new PlannerOptions { BudgetSeconds = budget, Final = FinalFit.None }, new FixedTimer(perStep));

        // The steps get what validation (5 of 24 samples at 42 ms, 12 times) leaves of the budget.
        Assert.Equal(5 * 0.042 * 12, plan.EstimatedValidationSeconds, 6);
        int fit = Math.Clamp((int)((budget - plan.EstimatedValidationSeconds) / perStep), 150, 4000);
        Assert.InRange(fit, expectedAtLeast - 6, expectedAtLeast);
        Assert.InRange(plan.Steps, fit, fit + plan.Epochs - 1);
        Assert.Equal(0, plan.Steps % plan.StepsPerEpoch);
        Assert.Equal(12, plan.Epochs);
        Assert.True(plan.SettleEpochs * plan.StepsPerEpoch > plan.WarmupSteps, "selection must start after warm-up");
    }

    [Fact]
    public void Plan_SmallSet_RefitsOnAllSamplesWithinTheSameBudget()
    {
        var options = new PlannerOptions { Final = FinalFit.None };
        var alone = Planner.Plan(Fingerprint(128, "8-bit", 0, 255), options, new FixedTimer(0.1));

        var plan = Planner.Plan(Fingerprint(128, "8-bit", 0, 255), options with { Final = null }, new FixedTimer(0.1));

        Assert.Equal(FinalFit.Refit, plan.Final);
        Assert.Equal(FinalFit.Refit, plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" }).Final);
        // The refit runs at most the validated run's steps: the two phases share the budget.
        Assert.InRange(plan.Steps, alone.Steps / 2 - plan.Epochs, alone.Steps / 2 + plan.Epochs);
        Assert.True(plan.EstimatedTrainSeconds <= options.BudgetSeconds + plan.Epochs * 2 * 0.1, $"{plan.EstimatedTrainSeconds} s");
        Assert.Contains(plan.Reasons, r => r.Contains("refit"));
    }

    [Fact]
    public void As_TheOptionsAfterTheUsersFlags_IsWhatPlanJsonShowsAndWhatAResumeContinues()
    {
        var plan = Planner.Plan(Fingerprint(512, "8-bit", 0, 255), new PlannerOptions(), new FixedTimer(0.5));
        var planned = plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" });
        // As `train --size 256 --batch-size 2 --schedule None --steps-per-epoch 5` leaves them:
        var flagged = planned with
        {
            Preprocess = planned.Preprocess with { Width = 256, Height = 256 }, Patch = null, BatchSize = 2,
            Schedule = LrSchedule.None, StepsPerEpoch = 5,
        };

        var shown = plan.As(flagged);

        Assert.Equal((512, 512, 256, 4), (plan.InputWidth, plan.InputHeight, plan.Patch, plan.BatchSize)); // the plan itself is unchanged
        Assert.Equal((256, 256, 0, 2), (shown.InputWidth, shown.InputHeight, shown.Patch, shown.BatchSize));
        Assert.False(shown.Tiled);
        Assert.Equal("none", shown.Schedule);
        Assert.Equal((5, planned.Epochs * 5, planned.Epochs), (shown.StepsPerEpoch, shown.Steps, shown.Epochs));
        Assert.Contains(shown.Reasons, r => r.Contains("measured for the planned 512×512, 256² patches, batch 4"));
        // A resume reads plan.json back: it continues with what ran, not with the plan before the flags.
        var resumed = shown.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" });
        Assert.Equal((256, 256, (int?)null, 2, LrSchedule.None, 5),
                     (resumed.Preprocess.Width, resumed.Preprocess.Height, resumed.Patch, resumed.BatchSize, resumed.Schedule, resumed.StepsPerEpoch));
        // Untouched flags: no note about the costs.
        Assert.DoesNotContain(plan.As(planned).Reasons, r => r.Contains("measured for the planned"));
    }

    [Fact]
    public void Plan_SmallSetOnASlowMachine_NoRefitWhenHalfTheStepsWouldStarveTheValidatedRun()
    {
        // 130 s less 2.5 s of validation at 0.5 s per step is 254 steps: halved, 127 would be under MinSteps (150).
        var plan = Planner.Plan(Fingerprint(128, "8-bit", 0, 255), new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal(FinalFit.None, plan.Final);
        Assert.InRange(plan.Steps, 254, 254 + plan.Epochs - 1);
        Assert.Contains(plan.Reasons, r => r.Contains("no refit"));
    }

    [Fact]
    public void Plan_SmallSetWithFewPassesPerPhase_NoRefit()
    {
        // 0.3 s per step: 366 steps, 183 per phase, but at batch 4 that is 183·4/90 ≈ 8 passes over 90 slices.
        var f = Fingerprint(256, "8-bit", 0, 255) with { SetSize = 90 };

        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.3));

        Assert.Equal(FinalFit.None, plan.Final);
        Assert.Contains(plan.Reasons, r => r.Contains("short of steps"));
    }

    [Fact]
    public void Plan_LargeSet_KeepsTheValidatedBest()
    {
        // 1,000 samples of which the fingerprint measured 200: the set's size decides, not the sample's.
        var f = Fingerprint(128, "8-bit", 0, 255) with { SetSize = 1000 };

        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.1));

        Assert.Equal(FinalFit.None, plan.Final);
        // 200 validation samples at 42 ms, 12 times, would be 101 s; 20 % of 130 s affords 51 per epoch.
        Assert.Equal(51, plan.ValidationSamples);
        Assert.Equal(51, plan.ApplyTo(new TrainOptions { Data = "x", OutDir = "y" }).ValidationSamples);
        Assert.InRange(plan.EstimatedValidationSeconds, 25, 0.2 * 130);
        Assert.InRange(plan.Steps, 1042, 1042 + plan.Epochs - 1);
        Assert.Contains(plan.Reasons, r => r.Contains("51 of ~200"));
    }

    [Fact]
    public void Plan_SlowInference_StillScoresTheMinimumValidationSamples()
    {
        var f = Fingerprint(128, "8-bit", 0, 255) with { SetSize = 1000 };
        var slow = new FixedTimer(0.1) { InferenceMilliseconds = 10_000 };

        var plan = Planner.Plan(f, new PlannerOptions(), slow);

        Assert.Equal(8, plan.ValidationSamples);
        Assert.InRange(plan.Steps, 150, 150 + plan.Epochs - 1); // validation took the whole budget: the floor of steps remains
        Assert.Contains(plan.Reasons, r => r.Contains("over the 0 s the validation leaves") && r.Contains("at least 150 steps"));
    }

    [Fact]
    public void Plan_SmallSet_ScoresEveryValidationSample()
    {
        var plan = Planner.Plan(Fingerprint(128, "8-bit", 0, 255), new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal(0, plan.ValidationSamples); // 0 = all
    }

    [Fact]
    public void Plan_LargeImagesOfCoarseStructures_ShrinkUntilTheNarrowestClassIsAboutThirtyTwoPixels()
    {
        // Chest X-ray-like: 2048² images, lungs 400 px wide. MaxInput halves them to 1024²; the lungs
        // are then 200 px wide, so the input could shrink 6×, but not below 256 on the short side.
        var f = Fingerprint(2048, "8-bit", 0, 255) with { StructureWidth = 400 };

        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal((256, 256), (plan.InputWidth, plan.InputHeight));
        Assert.Equal(0, plan.Patch); // whole images now fit a patch
        Assert.Contains(plan.Reasons, r => r.Contains("coarse structures"));
    }

    [Theory]
    [InlineData(256, 304, 0)]   // Montgomery's 4020×4892 after the coarse rule: a quarter more than 256², trains whole
    [InlineData(320, 256, 0)]   // exactly 1.25 × 256²
    [InlineData(256, 336, 256)] // more: 256² patches and sliding windows
    [InlineData(384, 384, 256)]
    public void Plan_InputsJustOverOnePatch_TrainWholeImages(int width, int height, int patch)
    {
        var f = Fingerprint(256, "8-bit", 0, 255) with { MedianWidth = width, MedianHeight = height, MinWidth = width, MinHeight = height, MaxWidth = width, MaxHeight = height };
        var timer = new FixedTimer(0.5);

        var plan = Planner.Plan(f, new PlannerOptions(), timer);

        Assert.Equal((width, height), (plan.InputWidth, plan.InputHeight));
        Assert.Equal(patch, plan.Patch);
        Assert.Equal(patch > 0, plan.Tiled);
        // The step is timed at what it trains on: the whole input, or one patch.
        Assert.Equal(patch > 0 ? (256, 256) : (width, height), (timer.Asked[0].Width, timer.Asked[0].Height));
    }

    [Fact]
    public void Plan_LargeImagesWithOneThinClass_KeepTheirResolution()
    {
        var f = Fingerprint(2048, "8-bit", 0, 255, classes: 3) with { StructureWidth = 400, ClassStructureWidths = [double.NaN, 400, 6] };

        var plan = Planner.Plan(f, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal((1024, 1024), (plan.InputWidth, plan.InputHeight));
        Assert.DoesNotContain(plan.Reasons, r => r.Contains("coarse structures"));
    }

    [Theory]
    [InlineData(512, 400)] // not larger than two patches: native, however coarse
    [InlineData(1024, 20)] // structures already narrow at full size
    public void Plan_CoarseRule_LeavesModerateImagesAndNarrowStructuresAlone(int size, double structure)
    {
        var plan = Planner.Plan(Fingerprint(size, "8-bit", 0, 255) with { StructureWidth = structure }, new PlannerOptions(), new FixedTimer(0.5));

        Assert.Equal(size, plan.InputWidth);
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(7, 0)]
    [InlineData(200, 47)]
    public void ValidationSubset_IsEvenlySpacedDistinctAndOrdered(int available, int count)
    {
        int[] val = [.. Enumerable.Range(0, available).Select(i => 1000 + 3 * i)];

        int[] subset = Trainer.ValidationSubset(val, count);

        int expected = count == 0 ? available : Math.Min(count, available);
        Assert.Equal(expected, subset.Length);
        Assert.Equal(subset.Distinct().Count(), subset.Length);
        Assert.All(subset, v => Assert.Contains(v, val));
        Assert.Equal(subset.Order(), subset);
        // Evenly spaced: the gaps between picked positions differ by at most one.
        var positions = subset.Select(v => Array.IndexOf(val, v)).ToArray();
        var gaps = positions.Zip(positions.Skip(1), (a, b) => b - a).ToArray();
        if (gaps.Length > 0) Assert.True(gaps.Max() - gaps.Min() <= 1, string.Join(",", gaps));
    }

    [Fact]
    public void Plan_FinalGivenByTheUser_WinsOverTheSetSize()
    {
        var f = Fingerprint(128, "8-bit", 0, 255) with { SetSize = 1000 };

        var plan = Planner.Plan(f, new PlannerOptions { Final = FinalFit.Refit }, new FixedTimer(0.5));

        Assert.Equal(FinalFit.Refit, plan.Final);
    }

    [Fact]
    public void TorchStepTimer_TinyModel_TimesRealStepsAndInference()
    {
        var timer = new TorchStepTimer(new UNetOptions { Depth = 2, BaseWidth = 4 }, TorchSharp.torch.CPU);

        double step = timer.SecondsPerStep(32, 32, 2, 1, 3), ms = timer.InferenceMs(64, 64, 32, 1, 2);

        Assert.True(double.IsFinite(step) && step > 0, $"step {step} s");
        Assert.True(double.IsFinite(ms) && ms > 0, $"inference {ms} ms");
    }
}
