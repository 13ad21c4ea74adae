using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// The last phase of training on a small data set: a fresh model trained on every sample (train
/// and validation) for the number of steps the validated run selected, on the same schedule
/// shape (warm-up, then poly or cosine over those steps). It replaces best.ckpt; the validated
/// run's selection stays as validated.ckpt, so it can still be compared against.
/// </summary>
/// <remarks>
/// Why a refit and not k-fold: k folds within one time budget leave each fold 1/k of the steps
/// (or cost k budgets), and their ensemble costs k forward passes per frame, which a real-time
/// stream cannot pay; the checkpoint, the ONNX export and both engines carry one network.
/// Nothing is held out, so the refit logs training loss only (refit/log.csv, refit/log.json);
/// the run's own log, curves and last.ckpt (for --resume) are the validated run's.
/// </remarks>
public static class FinalRefit
{
    /// <summary>The <see cref="CheckpointInfo.Metric"/> of a refitted best.ckpt.</summary>
    public const string Marker = "refit on all samples";

    /// <returns>The optimizer steps run.</returns>
    public static int Run(TrainOptions o, PreparedDataset all, UNetOptions modelOptions, LossKind lossKind, int epochs, int batches,
                          CheckpointInfo template, string best, Device device, ITrainingObserver observer, CancellationToken ct)
    {
        int steps = epochs * batches;
        // A resumed run whose selection did not move still has the previous refit in best.ckpt:
        // the validated pick is then the validated.ckpt already there.
        string validated = Path.Combine(o.OutDir, "validated.ckpt");
        if (!(Checkpoint.ReadInfo(best).Metric == Marker && File.Exists(validated))) File.Copy(best, validated, overwrite: true);
        observer.Message($"refit: a fresh model on all {all.Count} samples for {steps} steps ({epochs} epochs × {batches}, the validated run's best)");
        torch.manual_seed(o.Seed);
        using var model = new UNet(modelOptions);
        OutputPrior.Apply(model, all);
        model.to(device);
        using var optimizer = new HeldScalarAdam(model.parameters(), lr: o.LearningRate, weight_decay: o.WeightDecay);
        var kind = o.Schedule is LrSchedule.Poly or LrSchedule.Cosine ? o.Schedule : LrSchedule.None;
        var schedule = new StepSchedule(kind, o.LearningRate, Math.Min(o.WarmupSteps, steps / 2), steps);
        var classes = o.ForegroundOversample > 0 ? new ClassLocations(all) : null;
        using var builder = new BatchBuilder(all, o.Augment, modelOptions.IsBinary, o.Patch, classes);
        var rng = new Random(o.Seed);
        var sampler = new BatchSampler(all.Count, rng, classes, o.ForegroundOversample);
        string logDir = Path.Combine(o.OutDir, "refit");
        Directory.CreateDirectory(logDir);
        var log = new TrainingLog(logDir);
        bool wholePass = o.StepsPerEpoch == 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            observer.EpochStarted(epoch, epochs, batches);
            int first = (epoch - 1) * batches;
            var (lossSum, samples) = Trainer.Steps(model, optimizer, builder, sampler, lossKind, o.BatchDice, o.BinaryDice, o.BatchSize, batches, wholePass,
                                                   b => schedule.Rate(first + b), rng, device, observer, ct);
            var row = new EpochResult(epoch, lossSum / Math.Max(1, samples), double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
                                      schedule.Rate(first + batches - 1), clock.Elapsed.TotalSeconds, Best: epoch == epochs);
            log.Append(row);
            observer.EpochDone(row);
        }
        Checkpoint.Save(best, model, template with { Epoch = epochs });
        return steps;
    }
}
