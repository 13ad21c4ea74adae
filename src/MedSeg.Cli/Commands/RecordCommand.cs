using System.CommandLine;
using MedSeg.Cli.Sessions;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>`medseg record`: sources through the pipeline with a checkpoint, every finished frame recorded to a session file (one per stream).</summary>
public static class RecordCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (best.ckpt from `medseg train`)", Required = true };
        var source = SpecFlags.Sources("synthetic:lesion?fps=25&frames=250",
            "Frame source: synthetic:lesion|lungs|mri[?fps=25&frames=N&size=128&seed=1], or recording:FILE[?speed=N|fps=N|max=1], or any `stream` source");
        var output = new Option<string>("--out") { Description = "Session file to write (.msgpack); stream k > 0 writes to the -sK name", Required = true };
        var writer = SpecFlags.Writer.Create();
        var mode = SpecFlags.Mode();
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var threshold = CommonOptions.Threshold();
        var report = new Option<string?>("--report") { Description = "Write the pipeline report as JSON to this file" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = SpecFlags.Engine();
        var precision = SpecFlags.Precision();
        var calibration = SpecFlags.Calibration();
        var print = SpecFlags.PrintSpec();
        var cmd = new Command("record", "Run sources through the pipeline and record every frame (image, mask, ground truth, timings) to MessagePack sessions")
        {
            model, source, output, mode, maxBatch, maxWait, threshold, report, device, threads, engineKind, precision, calibration, print,
        };
        foreach (var o in writer.All) cmd.Options.Add(o);
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            var spec = new SessionSpec
            {
                Sources = SpecFlags.SourceList(p.GetValue(source)!, p.GetValue(mode)!),
                Engine = new EngineSection { Model = p.GetValue(model)!, Kind = p.GetValue(engineKind)!, Device = p.GetValue(device)!, Threads = p.GetValue(threads), Threshold = p.GetValue(threshold) }.WithPrecision(p, precision, calibration),
                Batcher = new BatcherSection { MaxBatch = p.GetValue(maxBatch), MaxWaitMs = p.GetValue(maxWait) },
                Sinks = new SinksSection { Recorder = writer.Section(p, p.GetValue(output)) },
                Report = new ReportSection { Path = p.GetValue(report) },
            };
            return SessionRunner.PrintOrRunAsync(spec, p.GetValue(print), ct);
        }));
        return cmd;
    }
}
