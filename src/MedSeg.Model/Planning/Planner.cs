using MedSeg.Imaging.Augment;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Model.Planning;

/// <summary>
/// nnU-Net's rule-based planning, for 2-D slices on a CPU budget: a data set fingerprint in, a
/// training plan out. Each rule below says what it decides and why.
/// </summary>
public static class Planner
{
    /// <summary>An input of up to this many MaxPatch² patches' pixels trains whole rather than in patches.</summary>
    private const double WholeImageSlack = 1.25;

    public static TrainingPlan Plan(DatasetFingerprint f, PlannerOptions options, IStepTimer timer)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(timer);
        var o = options.Validate();
        int m = o.Model.SizeMultiple;
        var reasons = new List<string>();
        int classes = f.ClassFrequencies.Count;

        // 1. Normalization by data kind (nnU-Net: CT → clip to the foreground's 0.5 / 99.5
        //    percentiles and z-score with the data set's foreground statistics; anything else →
        //    per-image z-score). 8-bit images already share one 0–255 scale: divide by 255.
        string kind;
        var pre = new PreprocessOptions { Color = f.Channels == 3 ? ColorMode.Rgb : ColorMode.Gray };
        if (f.LooksLikeCt && double.IsFinite(f.ForegroundLow) && f.ForegroundStd > 0)
        {
            kind = "CT (HU)";
            // The lower clip reaches down towards air (−1024 HU; padding below it is not image), at
            // most 10 foreground SDs below the foreground mean so inputs stay bounded. Clipping at the
            // foreground's own 0.5 % folds air onto the darkest foreground: with soft tissue at
            // 20 HU and a clip at 16, air and tissue differed by 0.01 SD, and a measured 3-class
            // head CT lost 0.017 soft-tissue Dice to it (README, "Real data").
            double airLow = Math.Max(Math.Max(f.ValueMin, -1024), f.ForegroundMean - 10 * f.ForegroundStd);
            double low = Math.Min(f.ForegroundLow, airLow);
            pre = pre with
            {
                Normalization = Normalization.DatasetStats, DatasetLow = low, DatasetHigh = f.ForegroundHigh,
                DatasetMean = f.ForegroundMean, DatasetStd = f.ForegroundStd,
            };
            reasons.Add($"{f.Depth} down to {f.ValueMin:F0}: CT; clip to [{low:F0}, {f.ForegroundHigh:F0}] (foreground 0.5–99.5 % [{f.ForegroundLow:F0}, {f.ForegroundHigh:F0}], " +
                        $"low end extended towards air, ≤ 10 sd below the mean), z-score with foreground mean {f.ForegroundMean:F1} / sd {f.ForegroundStd:F1}");
        }
        else if (f.Depth == "8-bit")
        {
            kind = "8-bit";
            pre = pre with { Normalization = Normalization.UnitRange };
            reasons.Add("8-bit: one shared scale, divide by 255");
        }
        else if (f.NonZeroBoxFraction < 0.75)
        {
            // nnU-Net's use_mask_for_norm: when cropping to the non-zero box removes ≥ 25 % of the
            // image (a skull-stripped brain), z-score over the non-zero pixels and keep the rest at 0;
            // whole-image statistics would be dominated by the zeros and shift with the brain's size.
            kind = "MRI-like";
            pre = pre with { Normalization = Normalization.ZScoreNonZero };
            reasons.Add($"{f.Depth} without air values: arbitrary scale per image (MRI-like); non-zero box only {f.NonZeroBoxFraction:P0} " +
                        "of the image (brain-extracted): per-image z-score over the non-zero pixels, zeros stay 0");
        }
        else
        {
            kind = "MRI-like";
            pre = pre with { Normalization = Normalization.ZScore };
            reasons.Add($"{f.Depth} without air values: arbitrary scale per image (MRI-like), per-image z-score");
        }

        // 2. Input at native resolution (median size, rounded to the network's multiple); only
        //    images larger than MaxInput are shrunk. Resizing down is what erases thin structures.
        double shrink = Math.Min(1.0, (double)o.MaxInput / Math.Max(f.MedianWidth, f.MedianHeight));
        int width = RoundTo(f.MedianWidth * shrink, m), height = RoundTo(f.MedianHeight * shrink, m);
        reasons.Add(shrink < 1
            ? $"median {f.MedianWidth}×{f.MedianHeight} over {o.MaxInput}: resized to {width}×{height}"
            : $"native resolution: median {f.MedianWidth}×{f.MedianHeight} → input {width}×{height}");
        //    Large images of coarse structures only (lungs in a chest X-ray, every class wide): the
        //    input shrinks until the narrowest class is CoarseStructureWidth pixels wide, never below
        //    MinCoarseInput on the short side. At full size the budget's steps would see a few patches
        //    of each image and no patch would hold a whole organ; the masks' native resolution is
        //    still where eval scores, from bilinearly resampled probabilities. Thin or small classes
        //    (membranes, nuclei, a skull ring) keep the resolution.
        double finest = f.FinestStructureWidth * shrink;
        if (Math.Max(width, height) > 2 * o.MaxPatch && double.IsFinite(finest) && finest > o.CoarseStructureWidth)
        {
            double coarse = Math.Max(o.CoarseStructureWidth / finest, (double)o.MinCoarseInput / Math.Min(width, height));
            if (coarse < 1)
            {
                shrink *= coarse;
                (width, height) = (RoundTo(f.MedianWidth * shrink, m), RoundTo(f.MedianHeight * shrink, m));
                reasons.Add($"coarse structures (the narrowest class is {finest:F0} px wide at full input size): resized to {width}×{height}, " +
                            $"where it is ≥ {o.CoarseStructureWidth} px; scores stay at the masks' native size");
            }
        }

        // 3. Patch: the whole image when it fits MaxPatch (or holds at most a quarter more pixels than
        //    a MaxPatch² patch: a 256×304 chest X-ray trains whole, not as 256² crops that miss its
        //    edges and then need two windows per frame), else the largest multiple that does,
        //    with Gaussian-weighted sliding windows at inference. Batch: 4 at 256², more for
        //    smaller patches (the same pixels per step), at least 2 (batch norm), and — nnU-Net's
        //    cap — one batch covers at most 5 % of the data set's pixels: on a small set a smaller
        //    batch buys more optimizer steps in the same budget, and steps are what a short run lacks.
        bool whole = (width <= o.MaxPatch && height <= o.MaxPatch) || (long)width * height <= WholeImageSlack * o.MaxPatch * o.MaxPatch;
        int patch = whole ? 0 : Math.Min(Math.Min(width, height) / m * m, o.MaxPatch / m * m);
        int stepWidth = whole ? width : patch, stepHeight = whole ? height : patch;
        double stepPixels = (double)stepWidth * stepHeight;
        int byPixels = (int)Math.Round(4.0 * 256 * 256 / stepPixels);
        int images = f.Samples;
        int byDataset = (int)Math.Round(0.05 * images * f.MedianWidth * shrink * f.MedianHeight * shrink / stepPixels);
        int batch = Math.Clamp(Math.Min(byPixels, byDataset), 2, 16);
        string capped = byDataset < byPixels && batch < byPixels ? $", capped from {byPixels} so one batch is ≤ 5 % of the {images} images" : "";
        reasons.Add(whole
            ? $"whole {width}×{height} images (batch {batch}{capped})"
            : $"patches of {patch}² (batch {batch}{capped}) from the {width}×{height} input, sliding-window inference");

        // 4. Validation, then steps, from the measured times and the one budget for both. Each
        //    epoch scores the validation split at native resolution (tiled where the patch is
        //    smaller), which costs the measured inference time per sample; on a large set that
        //    would outgrow the steps, so beyond ValidationShare of the budget each epoch scores a
        //    fixed, evenly spaced subset (nnU-Net validates a fixed number of batches per epoch).
        //    The steps get the rest: a fixed number per epoch, so schedule, validation and early
        //    stopping mean the same on 20 images or 2,000.
        double inferMs = timer.InferenceMs(width, height, patch, pre.Channels, classes);
        int valSamples = Math.Max(1, (int)Math.Round(f.Samples * o.ValFraction));
        double perValidation = inferMs / 1000;
        int affordable = (int)(o.ValidationShare * o.BudgetSeconds / (o.Epochs * Math.Max(perValidation, 1e-6)));
        int scored = Math.Min(valSamples, Math.Max(o.MinValidationSamples, affordable));
        double validationSeconds = scored * perValidation * o.Epochs;
        reasons.Add(scored < valSamples
            ? $"validation: {scored} of ~{valSamples} samples per epoch (≤ {o.ValidationShare:P0} of the budget at {inferMs:F0} ms each), ≈ {validationSeconds:F0} s in all"
            : $"validation: all ~{valSamples} samples per epoch at {inferMs:F0} ms each, ≈ {validationSeconds:F0} s in all");
        double perStep = timer.SecondsPerStep(stepWidth, stepHeight, batch, pre.Channels, classes);
        double stepBudget = Math.Max(0, o.BudgetSeconds - validationSeconds);
        int steps = Math.Clamp((int)(stepBudget / perStep), o.MinSteps, o.MaxSteps);

        // 5. Final phase: a small set loses a fifth of its few samples to validation, so after the
        //    validated run picks its step count, a fresh model can be refitted on all samples for
        //    that many steps. The refit runs at most the validated run's steps, so each phase gets
        //    half; that pays only when a run is short of data, not of steps. Measured on the ct/ set
        //    (README): at 7–14 passes over its 90 slices every run still improved at its last epoch, and
        //    156 + 156 steps with a refit scored 0.992 / 0.993 where 312 validated steps scored
        //    0.998 / 0.998; so a refit needs MinSteps and MinRefitPasses per phase. k-fold
        //    ensembles were left out: within one budget each fold gets 1/k of the steps, and the
        //    ensemble costs k forward passes per frame in a real-time stream.
        int half = steps / 2;
        double passes = (double)half * batch / Math.Max(1, f.Samples);
        bool small = f.Samples <= o.SmallSetSamples, room = half >= o.MinSteps && passes >= o.MinRefitPasses;
        var final = o.Final ?? (small && room ? Training.FinalFit.Refit : Training.FinalFit.None);
        if (final == Training.FinalFit.Refit) steps = half;
        reasons.Add(final == Training.FinalFit.Refit
            ? $"{f.Samples} samples{(o.Final is null ? $" (≤ {o.SmallSetSamples}), {passes:F0} passes per phase" : "")}: after the validated run, refit on all of them for its selected steps; the steps are split between the two"
            : o.Final is null && small
                ? $"{f.Samples} samples (≤ {o.SmallSetSamples}), but half the budget is {half} steps, {passes:F0} passes over the set (a refit needs ≥ {o.MinSteps} steps and ≥ {o.MinRefitPasses} passes per phase): " +
                  "no refit, the run is short of steps rather than data; best.ckpt is the validated run's best"
                : $"{f.Samples} samples{(o.Final is null ? $" (> {o.SmallSetSamples})" : "")}: no refit, best.ckpt is the validated run's best");

        int perEpoch = Math.Max(1, (int)Math.Ceiling((double)steps / o.Epochs));
        steps = perEpoch * o.Epochs;
        int warmup = Math.Max(10, steps / 20);
        // Best-checkpoint selection and early stopping wait for warm-up plus a third of the run:
        // before that batch-norm statistics move and an all-foreground model can look best.
        int settle = Math.Max((int)Math.Ceiling((double)warmup / perEpoch) + 1, (o.Epochs + 2) / 3);
        // The step floor wins over the budget on a slow machine or a large input: say so, with what would help.
        string within = steps * perStep > stepBudget + perEpoch * perStep
            ? $"≈ {steps * perStep:F0} s, over the {stepBudget:F0} s the validation leaves of the {o.BudgetSeconds:F0} s budget (at least {o.MinSteps} steps; a smaller --size or a larger --budget fits)"
            : $"within the {stepBudget:F0} s the validation leaves of {o.BudgetSeconds:F0} s";
        reasons.Add($"{perStep:F2} s per step measured → {steps} steps ({o.Epochs} × {perEpoch}){(final == Training.FinalFit.Refit ? " per phase" : "")} {within}; " +
                    $"warm-up {warmup} steps then poly decay; selection from epoch {settle} on a smoothed metric");
        reasons.Add($"after each epoch the steps per epoch of the epochs left follow the run's own measured times, to hold " +
                    (steps > o.MinSteps ? $"the {o.BudgetSeconds:F0} s budget for the whole command{(final == Training.FinalFit.Refit ? " (half of it before the refit)" : "")} "
                                        : $"the floor's planned ≈ {steps * perStep + validationSeconds:F0} s ") +
                    $"({(perEpoch + 1) / 2}–{perEpoch * 2} per epoch, at least {o.MinSteps} steps in all; --epochs or --steps-per-epoch fix them)");

        // 6. Augmentation: flips both ways and right-angle turns keep thin structures sharp; small
        //    affine and intensity jitter. Class-aware foreground oversampling (nnU-Net v2: the last
        //    third of each batch picks a foreground class uniformly, then a sample holding it, then
        //    a pixel of it): with patches it keeps rare classes in view, and with whole images it is
        //    what puts the few slices holding a small class into the batches at all.
        var augment = new AugmentOptions { HorizontalFlip = 0.5, VerticalFlip = 0.5, Rotate90 = true, RotateDegrees = 10, Scale = 0.1, Shift = 0.05 };
        const double oversample = 0.33;
        int forced = Training.BatchSampler.ForcedSlots(batch, oversample);
        reasons.Add($"class-aware sampling: {forced} of each batch of {batch} from a uniformly chosen foreground class " +
                    (whole ? "(a sample holding it)" : "(a sample holding it, the patch centred on one of its pixels)") +
                    ", the rest from the shuffled queue" + (classes > 2 ? $"; the {classes - 1} foreground classes count alike, whatever their size" : ""));

        // 7. Loss: cross-entropy (or BCE) plus soft Dice over the foreground classes, per image.
        //    nnU-Net's 2-D plans take the Dice over the whole batch (Losses.DiceLoss says why); on
        //    mri/ it changed nothing measurable at this length of training, with or without the
        //    class-aware share (README, "Real data"), so the plan keeps the per-image term and
        //    --batch-dice true is the override.
        //    A binary set whose foreground covers most pixels (ISBI 2012: cells 255, membranes 0)
        //    takes its Dice on the background, the minority class: the majority's Dice is near 1
        //    whatever happens at the thin structures that decide the task (Losses.BinaryDice).
        //    Measured on cells/ (thin/ with the masks inverted; README, "Real data").
        var binaryDice = classes == 2 && f.ForegroundFraction > 0.5 ? BinaryDice.Background : BinaryDice.Foreground;
        reasons.Add($"loss {(classes == 2 ? "bce+dice" : "ce+dice")}, Dice per image (--batch-dice true: per class over the whole batch, as nnU-Net's 2-D plans)" +
                    (binaryDice == BinaryDice.Background ? $"; the foreground covers {f.ForegroundFraction:P0} of the pixels, so the Dice term scores the background, the minority class (--dice-on)" : ""));

        // 8. Threshold: a binary head's 0.5 is where the loss balances the classes, not where Dice
        //    peaks, and the offset differs by data set in size and sign (ThresholdTuner).
        bool tune = classes == 2;
        if (tune) reasons.Add($"threshold chosen after training on the validation split's masks at their own size (0.05–0.95, the peak of the smoothed Dice curve; stays 0.5 unless that gains ≥ {Training.ThresholdTuner.MinGain}); --threshold fixes it");

        return new TrainingPlan
        {
            DataKind = kind, Fingerprint = f, InputWidth = width, InputHeight = height, Patch = patch,
            Preprocess = pre with { Width = width, Height = height }, BatchSize = batch, Augment = augment,
            Loss = classes == 2 ? "bce+dice" : "ce+dice", BatchDice = false, BinaryDice = binaryDice, LearningRate = 1e-3, Schedule = "poly", Steps = steps, StepsPerEpoch = perEpoch,
            WarmupSteps = warmup, SettleEpochs = settle, ForegroundOversample = oversample, SecondsPerStep = perStep,
            InferenceMsPerFrame = inferMs, Final = final, Reasons = reasons, TuneThreshold = tune, MinSteps = o.MinSteps, BudgetSeconds = o.BudgetSeconds,
            ValidationSamples = scored < valSamples ? scored : 0, EstimatedValidationSeconds = validationSeconds,
        };
    }

    private static int RoundTo(double v, int m) => Math.Max(2 * m, (int)Math.Round(v / m) * m);
}
