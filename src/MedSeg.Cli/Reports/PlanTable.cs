using MedSeg.Model;
using MedSeg.Model.Planning;
using MedSeg.Model.Training;
using Spectre.Console;

namespace MedSeg.Cli.Reports;

/// <summary>The plan in the terminal: fingerprint, decisions, cost on this machine, and what the flags overrode.</summary>
public static class PlanTable
{
    public static void Print(TrainingPlan p, string? json)
    {
        var f = p.Fingerprint;
        var t = new Table().Title("training plan").AddColumns("", "value");
        t.AddRow("data", Markup.Escape($"{f.Images} images, median {f.MedianWidth}×{f.MedianHeight} ({f.MinWidth}×{f.MinHeight}–{f.MaxWidth}×{f.MaxHeight}), " +
                                       $"{f.Channels} ch {f.Depth}, values {f.ValueMin:G4}..{f.ValueMax:G4}{(f.Spacing is { } s ? $", spacing {s:G3} mm" : "")}"));
        t.AddRow("foreground", Markup.Escape($"{f.ForegroundFraction:P1} of pixels, in {f.ImagesWithForeground:P0} of images; intensity 0.5/50/99.5 % " +
                                             $"{f.ForegroundLow:G4} / {f.ForegroundMedian:G4} / {f.ForegroundHigh:G4}; structure width {f.StructureWidth:F1} px" +
                                             (f.FinestStructureWidth < f.StructureWidth - 0.05 ? $" (narrowest class {f.FinestStructureWidth:F1} px)" : "")));
        t.AddRow("classes", Markup.Escape(string.Join(", ", f.ClassFrequencies.Select((q, i) => $"{i}: {q:P1}"))));
        t.AddRow("kind", Markup.Escape($"{p.DataKind} → {p.Preprocess.Normalization}"));
        t.AddRow("input", $"{p.InputWidth}×{p.InputHeight}" + (p.Tiled ? $", patches {p.Patch}² + sliding-window inference" : ", whole images"));
        t.AddRow("batch / loss / lr", Markup.Escape($"{p.BatchSize} / {p.Loss}{(p.BatchDice ? " (batch Dice)" : "")}{(p.BinaryDice != BinaryDice.Foreground ? $" (Dice on {p.BinaryDice.ToString().ToLowerInvariant()})" : "")} / Adam {p.LearningRate:G3}, {p.Schedule}, warm-up {p.WarmupSteps} steps"));
        t.AddRow("steps", $"{p.Steps} = {p.Epochs} epochs × {p.StepsPerEpoch}; selection from epoch {p.SettleEpochs}");
        t.AddRow("final", p.Final == FinalFit.Refit
            ? $"refit on all {f.Samples} samples for the validated run's selected steps (≤ {p.Steps})"
            : "none: best.ckpt is the validated run's best");
        if (p.Fingerprint.ClassFrequencies.Count == 2)
            t.AddRow("threshold", p.TuneThreshold ? "chosen on the validation split after training" : Markup.Escape("fixed (--threshold)"));
        var a = p.Augment;
        t.AddRow("augment", Markup.Escape($"flips h {a.HorizontalFlip} v {a.VerticalFlip}, rot90 {(a.Rotate90 ? "on" : "off")}, ±{a.RotateDegrees}°, scale ±{a.Scale}, " +
                                          $"brightness ±{a.Brightness}, contrast ±{a.Contrast}; class-aware foreground sampling {p.ForegroundOversample:P0} of each batch"));
        t.AddRow("cost here", $"{p.SecondsPerStep:F2} s/step → ≤ {p.EstimatedTrainSeconds:F0} s of steps + ≈ {p.EstimatedValidationSeconds:F0} s of validation" +
                              (p.ValidationSamples > 0 ? $" ({p.ValidationSamples} samples per epoch)" : "") +
                              $"; inference {p.InferenceMsPerFrame:F1} ms/frame at {p.InputWidth}×{p.InputHeight}");
        if (p.Overridden.Count > 0) t.AddRow("[yellow]overridden[/]", Markup.Escape(string.Join(", ", p.Overridden)));
        AnsiConsole.Write(t);
        foreach (string r in p.Reasons) AnsiConsole.MarkupLine($"[grey]· {Markup.Escape(r)}[/]");
        if (json != null) AnsiConsole.MarkupLine($"plan: {Markup.Escape(json)}");
    }
}
