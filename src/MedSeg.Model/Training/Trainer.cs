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
public static class Trainer
{
    public static TrainingResult TrainModel(TrainOptions o, ITrainingObserver observer, CancellationToken ct)
    {
        o.Validate();
        Directory.CreateDirectory(o.OutDir);
        var device = TorchDevice.Select(o.Device, o.Threads);
        torch.manual_seed(o.Seed);
        observer.Message($"device: {device.type}, torch threads: {torch.get_num_threads()}");

        // 1. Open the data set and check every sample before spending time on training.
        ISegmentationDataset data = DatasetFactory.Open(o.Data, o.Layout);
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
        if (pre.Normalization == Normalization.DatasetStats)
            pre = IntensityStatistics.Fit(pre, LoadImages(data, split.Train), seed: o.Seed);
        using var preprocessor = new Preprocessor(pre);
        observer.PreparingStarted("preprocessing", split.Train.Length + split.Val.Length);
        var train = new PreparedDataset(data, split.Train, preprocessor, new Progress<int>(observer.PreparingProgress), ct);
        var val = new PreparedDataset(data, split.Val, preprocessor,
            new Progress<int>(d => observer.PreparingProgress(split.Train.Length + d)), ct);

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
        observer.Message($"{modelOptions.Describe()}: {model.ParameterCount():N0} parameters; loss {lossKind}");

        // 5. Train.
        var log = new TrainingLog(o.OutDir, previous);
        var selector = new BestTracker(o.Metric, o.MinDelta, previous);
        var schedule = new LearningRateSchedule(o.Schedule, o.LearningRate, o.Epochs, o.SchedulePatience);
        using var builder = new BatchBuilder(train, o.Augment, modelOptions.IsBinary);
        var rng = new Random(o.Seed + startEpoch);
        var template = new CheckpointInfo { Model = modelOptions, Preprocess = pre, Dataset = o.Data, Threshold = o.Threshold };
        bool stoppedEarly = false;
        int batches = (train.Count + o.BatchSize - 1) / o.BatchSize;
        for (int epoch = startEpoch; epoch <= o.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            double lr = schedule.Rate(epoch);
            foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
            observer.EpochStarted(epoch, o.Epochs, batches);
            model.train();
            int[] order = Enumerable.Range(0, train.Count).ToArray();
            rng.Shuffle(order);
            double lossSum = 0;
            for (int b = 0; b < batches; b++)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var idx = order.AsSpan(b * o.BatchSize, Math.Min(o.BatchSize, train.Count - b * o.BatchSize));
                var (x, y) = builder.Build(idx, rng, device);
                optimizer.zero_grad();
                var loss = Losses.Compute(lossKind, model.forward(x), y);
                loss.backward();
                optimizer.step();
                double l = loss.item<float>();
                lossSum += l * idx.Length;
                observer.BatchDone(b + 1, l);
            }

            var eval = Evaluator.Evaluate(model, val, device, o.Threshold, lossKind, o.BatchSize, modelOptions.ClassNames, ct: ct);
            var s = eval.Summary;
            double score = o.Metric switch { SelectionMetric.Dice => s.MeanDice, SelectionMetric.Iou => s.MeanIou, _ => eval.Loss };
            bool improved = selector.Offer(epoch, score);
            schedule.Observe(improved);
            var row = new EpochResult(epoch, lossSum / train.Count, eval.Loss, s.MeanDice, s.MeanIou, s.MeanPrecision, s.MeanRecall,
                                      lr, clock.Elapsed.TotalSeconds, improved);
            var info = template with { Epoch = epoch, Metric = $"val_{o.Metric.ToString().ToLowerInvariant()}", MetricValue = score };
            Checkpoint.Save(last, model, info);
            optimizer.save_state_dict(optimState);
            if (improved) Checkpoint.Save(best, model, info);
            log.Append(row);
            observer.EpochDone(row);
            if (o.Patience > 0 && epoch - selector.BestEpoch >= o.Patience)
            {
                observer.Message($"early stop: no improvement of val {o.Metric} for {o.Patience} epochs (best {selector.BestValue:F4} at epoch {selector.BestEpoch})");
                stoppedEarly = true;
                break;
            }
        }

        // 6. Report.
        return new TrainingResult(best, last, selector.BestEpoch, o.Metric.ToString(), selector.BestValue, log.Rows,
                                  bad.Count, stoppedEarly, train.Count, val.Count);
    }

    private static IEnumerable<OpenCvSharp.Mat> LoadImages(ISegmentationDataset data, IEnumerable<int> indices)
    {
        foreach (int i in indices)
        {
            using var s = data.Load(i);
            yield return s.Image;
        }
    }
}
