using System.Diagnostics;
using MedSeg.Imaging.Datasets;
using MedSeg.Imaging.Preprocess;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// `medseg train`: data set → validation → split → preprocessing → Adam with BCE/Dice (or CE/Dice),
/// learning-rate schedule, best checkpoint on a validation metric, early stopping, resume.
/// </summary>
/// <remarks>
/// Counted in optimizer steps when <see cref="TrainOptions.StepsPerEpoch"/> is set: each epoch is
/// that many batches drawn from a reshuffled queue, whatever the data set's size, so schedule,
/// validation and early stopping mean the same on 20 images or 2,000; a share of each batch is
/// class-aware (<see cref="BatchSampler"/>). Patches replace whole images when
/// <see cref="TrainOptions.Patch"/> is set, and validation then segments by sliding windows. Validation scores each mask at its own size.
/// </remarks>
public static class Trainer
{
    /// <param name="validationEngines">where validation's forward passes run (ONNX Runtime from the CLI); null: on the training module.</param>
    public static TrainingResult TrainModel(TrainOptions o, ITrainingObserver observer, CancellationToken ct, IValidationEngines? validationEngines = null)
    {
        o.Validate();
        long started = o.StartedAt ?? Stopwatch.GetTimestamp();
        Directory.CreateDirectory(o.OutDir);
        var device = TorchDevice.Select(o.Device, o.Threads);
        torch.manual_seed(o.Seed);
        observer.Message($"device: {device.type}, torch threads: {torch.get_num_threads()}");

        // 1. Open the data set and check every sample before spending time on training.
        ISegmentationDataset data = DatasetFactory.Open(o.Data, o.Layout);
        foreach (string note in data.Notes) observer.Message(note);
        observer.PreparingStarted($"checking {data.Name}", data.Count);
        var bad = DatasetValidator.Validate(data, new Progress<int>(observer.PreparingProgress), ct);
        if (bad.Count > 0 && !o.SkipBad) throw new BadDataException(bad, data.Count);
        if (bad.Count > 0)
        {
            foreach (var b in bad) observer.Message($"skipped {b.Source}: {b.Reason}");
            var badIdx = bad.Select(static b => b.Index).ToHashSet();
            data = new SubsetDataset(data, Enumerable.Range(0, data.Count).Where(i => !badIdx.Contains(i)).ToArray());
        }

        // 2. Split by group (patient) when the layout has groups; the split is kept next to the checkpoint.
        var split = DatasetSplitter.Split(data, o.ValFraction, o.Seed);
        split.Save(Path.Combine(o.OutDir, "split.json"));
        observer.Message($"{data.Count} samples: {split.Train.Length} train / {split.Val.Length} val ({split.Strategy} split, seed {split.Seed})");

        // 3. Preprocess once. Data set statistics (nnU-Net's CT scheme) come from the training split only.
        var pre = o.Preprocess;
        if (pre.Normalization == Normalization.DatasetStats && o.FitDatasetStatistics)
            pre = IntensityStatistics.Fit(pre, LoadImages(data, split.Train), seed: o.Seed);
        using var preprocessor = new Preprocessor(pre);
        int[] scored = ValidationSubset(split.Val, o.ValidationSamples);
        if (scored.Length < split.Val.Length)
            observer.Message($"validation: {scored.Length} of the {split.Val.Length} validation samples each epoch, evenly spaced (--val-samples)");
        observer.PreparingStarted("preprocessing", split.Train.Length + scored.Length);
        var train = new PreparedDataset(data, split.Train, preprocessor, new Progress<int>(observer.PreparingProgress), ct);
        var val = new PreparedDataset(data, scored, preprocessor,
            new Progress<int>(d => observer.PreparingProgress(split.Train.Length + d)), ct, keepNativeMasks: true);

        // 4. Model, optimiser, loss; resume restores weights, optimiser state and the log.
        var modelOptions = o.Model with { InChannels = pre.Channels, ClassNames = data.ClassNames.ToArray() };
        using var model = new UNet(modelOptions);
        model.to(device);
        var lossKind = o.Loss ?? Losses.DefaultFor(modelOptions);
        Losses.CheckCompatible(lossKind, modelOptions);
        // TorchSharp's Adam with held Scalars: its own step frees temporaries under a GC (issue 10).
        using var optimizer = new HeldScalarAdam(model.parameters(), lr: o.LearningRate, weight_decay: o.WeightDecay);
        string best = Path.Combine(o.OutDir, "best.ckpt"), last = Path.Combine(o.OutDir, "last.ckpt");
        string optimState = Path.Combine(o.OutDir, "last.optim");
        int startEpoch = 1;
        IReadOnlyList<EpochResult> previous = [];
        if (o.Resume != null)
        {
            var info = Checkpoint.LoadInto(o.Resume, model);
            string resumeOptim = Path.ChangeExtension(o.Resume, ".optim");
            if (File.Exists(resumeOptim)) optimizer.load_state_dict(resumeOptim);
            startEpoch = info.Epoch + 1;
            previous = TrainingLog.ReadJson(Path.GetDirectoryName(Path.GetFullPath(o.Resume))!)
                .Where(r => r.Epoch <= info.Epoch).ToList();
            observer.Message($"resumed from {o.Resume} at epoch {info.Epoch}");
        }
        else if (OutputPrior.Apply(model, train) is { } prior)
            observer.Message("output layer starts at the training masks' class frequencies: " +
                             string.Join(", ", prior.Select((p, c) => $"{modelOptions.ClassNames[c]} {p:P1}")));
        observer.Message($"{modelOptions.Describe()}: {model.ParameterCount():N0} parameters; loss {lossKind}");

        // 5. Train: a fixed number of steps per epoch (or one pass), the rate per step or per epoch.
        var log = new TrainingLog(o.OutDir, previous);
        var selector = new BestTracker(o.Metric, o.MinDelta, previous, o.MetricSmoothing, o.SettleEpochs);
        var schedule = new LearningRateSchedule(o.Schedule, o.LearningRate, o.Epochs, o.SchedulePatience);
        int batches = o.StepsPerEpoch > 0 ? o.StepsPerEpoch : (train.Count + o.BatchSize - 1) / o.BatchSize;
        var stepKind = o.Schedule is LrSchedule.Poly or LrSchedule.Cosine ? o.Schedule : LrSchedule.None;
        var perStep = o.Schedule == LrSchedule.Poly || o.WarmupSteps > 0
            ? new StepSchedule(stepKind, o.LearningRate, o.WarmupSteps, o.Epochs * batches)
            : null;
        // A planned run is held to its planned time from the steps it measures (StepGovernor says why); not a resumed one.
        //    Its target is what planning, loading and preparing left of the budget.
        var governor = o.TimeTargetSeconds is { } target && o.StepsPerEpoch > 0 && o.Resume is null
            ? new StepGovernor(Math.Max(1e-3, target - Stopwatch.GetElapsedTime(started).TotalSeconds), o.Epochs, o.StepsPerEpoch, o.MinSteps) : null;
        int stepsDone = (startEpoch - 1) * batches;
        double stepSeconds = 0, otherSeconds = 0;
        var stepsAt = new Dictionary<int, int>();
        var classes = o.ForegroundOversample > 0 ? new ClassLocations(train) : null;
        using var builder = new BatchBuilder(train, o.Augment, modelOptions.IsBinary, o.Patch, classes);
        using var windows = o.Patch is { } patch ? new SlidingWindowInference(patch, patch) : null;
        var rng = new Random(o.Seed + startEpoch);
        var sampler = new BatchSampler(train.Count, rng, classes, o.ForegroundOversample);
        var template = new CheckpointInfo { Model = modelOptions, Preprocess = pre, Dataset = o.Data, Threshold = o.Threshold, Patch = o.Patch };
        bool stoppedEarly = false;
        int lastEpoch = startEpoch - 1;
        for (int epoch = startEpoch; epoch <= o.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            double lr = schedule.Rate(epoch);
            observer.EpochStarted(epoch, o.Epochs, batches);
            int first = stepsDone;
            var (lossSum, samples) = Steps(model, optimizer, builder, sampler, lossKind, o.BatchDice, o.BinaryDice, o.BatchSize, batches, wholePass: o.StepsPerEpoch == 0,
                                           b => perStep?.Rate(first + b) ?? lr, rng, device, observer, ct);
            stepsDone += batches;
            stepsAt[epoch] = stepsDone;
            if (perStep != null) lr = perStep.Rate(stepsDone - 1);
            double stepsTook = clock.Elapsed.TotalSeconds;

            var eval = Validate(model, val, device, o, lossKind, template with { Epoch = epoch }, windows, validationEngines, ct);
            var s = eval.Summary;
            double score = o.Metric switch { SelectionMetric.Dice => s.MeanDice, SelectionMetric.Iou => s.MeanIou, _ => eval.Loss };
            bool improved = selector.Offer(epoch, score);
            schedule.Observe(improved);
            var row = new EpochResult(epoch, lossSum / Math.Max(1, samples), eval.Loss, s.MeanDice, s.MeanIou, s.MeanPrecision, s.MeanRecall,
                                      lr, clock.Elapsed.TotalSeconds, improved,
                                      s.Classes.Count > 1 ? [.. s.Classes.Select(static c => new ClassDice(c.Name, c.DiceMean, c.PooledDice))] : null);
            string metricName = $"val_{o.Metric.ToString().ToLowerInvariant()}" + (o.MetricSmoothing > 0 ? "_smoothed" : "");
            var info = template with { Epoch = epoch, Metric = metricName, MetricValue = selector.Current };
            Checkpoint.Save(last, model, info);
            optimizer.save_state_dict(optimState);
            if (improved) Checkpoint.Save(best, model, info);
            log.Append(row);
            observer.EpochDone(row);
            lastEpoch = epoch;
            stepSeconds += stepsTook;
            otherSeconds += clock.Elapsed.TotalSeconds - stepsTook;
            if (governor?.Next(epoch, stepsDone, stepSeconds, otherSeconds, batches) is { } next && next != batches)
            {
                int left = o.Epochs - epoch;
                observer.Message($"steps per epoch {batches} → {next} for the last {left} epochs: {epoch} epochs took {stepSeconds + otherSeconds:F0} s " +
                                 $"({stepSeconds / stepsDone:F2} s per step), on course for {governor.Projected(epoch, stepsDone, stepSeconds, otherSeconds, batches):F0} s against the planned {governor.TargetSeconds:F0} s");
                batches = next;
                if (perStep != null) perStep = new StepSchedule(stepKind, o.LearningRate, o.WarmupSteps, stepsDone + left * batches);
            }
            if (selector.ShouldStop(epoch, o.Patience))
            {
                observer.Message($"early stop: no improvement of val {o.Metric} for {o.Patience} epochs (best {selector.BestValue:F4} at epoch {selector.BestEpoch})");
                stoppedEarly = true;
                break;
            }
        }
        int bestEpoch = selector.BestEpoch;
        if (bestEpoch == 0 && File.Exists(last))
        {
            // The run ended before the settle epoch: the last weights are the only honest choice.
            Core.IO.OutputFile.Copy(last, best);
            bestEpoch = lastEpoch;
            observer.Message($"no epoch reached the settle epoch {o.SettleEpochs}: best.ckpt is the last epoch");
        }

        // 6. Binary heads: the threshold from the validation split, on the selected weights (ThresholdTuner says why).
        ThresholdChoice? tuned = null;
        if (o.TuneThreshold && modelOptions.IsBinary && bestEpoch > 0 && val.Count > 0)
        {
            var bestInfo = Checkpoint.LoadInto(best, model);
            var tuner = new ThresholdTuner(modelOptions.ClassNames, o.Metric, o.Threshold);
            Validate(model, val, device, o, lossKind, bestInfo, windows, validationEngines, ct, tuner.Add);
            tuned = tuner.Choose();
            observer.Message(tuned.Describe());
            if (tuned.Changed) Checkpoint.Save(best, model, bestInfo with { Threshold = tuned.Threshold });
            template = template with { Threshold = tuned.Threshold };
        }

        // 7. Small data sets: retrain on train + validation for the selected number of steps (planned),
        //    so the held-out fifth is not lost to the final model; best.ckpt becomes that model.
        int refitSteps = 0;
        if (o.Final == FinalFit.Refit && bestEpoch > 0)
        {
            var all = new PreparedDataset(data, [.. split.Train, .. split.Val], preprocessor, ct: ct);
            // The selected number of steps, spread over the selected epochs (a governed run's epochs differ in length).
            int selected = stepsAt.TryGetValue(bestEpoch, out int at) ? at : bestEpoch * batches;
            refitSteps = FinalRefit.Run(o, all, modelOptions, lossKind, bestEpoch, (selected + bestEpoch - 1) / bestEpoch, template with { Metric = FinalRefit.Marker, MetricValue = selector.BestValue },
                                        best, device, observer, ct);
        }

        // 8. Report.
        return new TrainingResult(best, last, bestEpoch, o.Metric.ToString(), selector.BestValue, log.Rows,
                                  bad.Count, stoppedEarly, train.Count, split.Val.Length) { RefitSteps = refitSteps, RefitSamples = refitSteps > 0 ? train.Count + split.Val.Length : 0, Threshold = tuned };
    }

    /// <summary>The epoch's validation: on an engine over the current weights where one is given and takes the model, else on the module.</summary>
    private static EvaluationResult Validate(
        UNet model, PreparedDataset val, Device device, TrainOptions o, LossKind lossKind, CheckpointInfo info,
        SlidingWindowInference? windows, IValidationEngines? engines, CancellationToken ct, Action<ScoredForeground>? onScored = null)
    {
        var classes = model.Options.ClassNames;
        bool tiled = windows != null && (val.Height > windows.PatchHeight || val.Width > windows.PatchWidth);
        using var engine = device.type == DeviceType.CPU ? engines?.Open(model, info, tiled ? o.Patch : null, o.BatchSize) : null;
        return engine != null
            ? Evaluator.Evaluate(engine, val, o.Threshold, lossKind, o.BatchSize, classes, ct: ct, windows: windows, onScored: onScored)
            : Evaluator.Evaluate(model, val, device, o.Threshold, lossKind, o.BatchSize, classes, ct: ct, windows: windows, onScored: onScored);
    }

    /// <summary>One epoch's optimizer steps (a fresh pass first with <paramref name="wholePass"/>); the rate per step comes from <paramref name="rate"/>. Shared with <see cref="FinalRefit"/>.</summary>
    /// <returns>The sample-weighted loss sum and the number of samples seen.</returns>
    internal static (double LossSum, int Samples) Steps(
        UNet model, HeldScalarAdam optimizer, BatchBuilder builder, BatchSampler sampler, LossKind lossKind, bool batchDice, BinaryDice binaryDice, int batchSize, int batches, bool wholePass,
        Func<int, double> rate, Random rng, Device device, ITrainingObserver observer, CancellationToken ct)
    {
        model.train();
        if (wholePass) sampler.StartPass();
        double lossSum = 0;
        int samples = 0;
        for (int b = 0; b < batches; b++)
        {
            ct.ThrowIfCancellationRequested();
            double lr = rate(b);
            foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
            using var scope = NewDisposeScope();
            var idx = sampler.Next(batchSize, wholePass);
            var (x, y) = builder.Build(idx, rng, device);
            optimizer.zero_grad();
            var loss = Losses.Compute(lossKind, model.forward(x), y, batchDice, binaryDice);
            loss.backward();
            optimizer.step();
            double l = loss.item<float>();
            lossSum += l * idx.Length;
            samples += idx.Length;
            observer.BatchDone(b + 1, l);
        }
        return (lossSum, samples);
    }

    private static IEnumerable<OpenCvSharp.Mat> LoadImages(ISegmentationDataset data, IReadOnlyList<int> indices)
    {
        foreach (var loaded in SamplePrefetch.Load(data, indices))
        {
            if (loaded.Error is { } error) throw error;
            using var s = loaded.Sample!;
            yield return s.Image;
        }
    }

    /// <summary><paramref name="count"/> of <paramref name="val"/>, evenly spaced (so every block or patient of the split is represented), or all of them when <paramref name="count"/> is 0 or covers them.</summary>
    public static int[] ValidationSubset(int[] val, int count)
    {
        if (count <= 0 || count >= val.Length) return val;
        return [.. Enumerable.Range(0, count).Select(i => val[(int)((i + 0.5) * val.Length / count)])];
    }
}
