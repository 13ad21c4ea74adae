using System.CommandLine;
using MedSeg.Cli.Sessions;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>`medseg run FILE`: runs any session spec (YAML or JSON); the flags given override the file.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "Session spec (.yaml / .yml / .json), e.g. from any streaming command's --print-spec" };
        var source = new Option<string[]>("--source") { Description = "Replace the spec's sources (repeat for several streams)", AllowMultipleArgumentsPerToken = false };
        var model = new Option<string?>("--model") { Description = "engine.model" };
        var engine = new Option<string?>("--engine") { Description = "engine.kind" };
        var device = new Option<string?>("--device") { Description = "engine.device" };
        var precision = new Option<string?>("--precision") { Description = "engine.precision" };
        var calibration = new Option<string?>("--calibration") { Description = "engine.calibration" };
        var threads = new Option<int?>("--threads") { Description = "engine.threads" };
        var maxBatch = new Option<int?>("--max-batch") { Description = "batcher.maxBatch" };
        var record = new Option<string?>("--record") { Description = "sinks.recorder.path" };
        var report = new Option<string?>("--report") { Description = "report.path" };
        var print = SpecFlags.PrintSpec();
        var cmd = new Command("run", "Run a session spec: sources, engine, batcher, preprocess, postprocess, sinks, report; flags override the file")
        {
            file, source, model, engine, device, precision, calibration, threads, maxBatch, record, report, print,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            var spec = SessionSpecFile.Load(p.GetValue(file)!);
            if (p.GetValue(source) is { Length: > 0 } sources) spec.Sources = [.. sources.Select(s => new SourceSection { Uri = s })];
            if (p.GetValue(model) is { } m) spec.Engine.Model = m;
            if (p.GetValue(engine) is { } k) spec.Engine.Kind = k;
            if (p.GetValue(device) is { } d) spec.Engine.Device = d;
            if (p.GetValue(precision) is { } q) spec.Engine.Precision = q;
            if (p.GetValue(calibration) is { } c) spec.Engine.Calibration = c;
            if (p.GetValue(threads) is { } t) spec.Engine.Threads = t;
            if (p.GetValue(maxBatch) is { } b) spec.Batcher.MaxBatch = b;
            if (p.GetValue(record) is { } r) (spec.Sinks.Recorder.Path, spec.Sinks.Recorder.Paths) = (r, []);
            if (p.GetValue(report) is { } o) spec.Report.Path = o;
            return SessionRunner.PrintOrRunAsync(spec, p.GetValue(print), ct);
        }));
        return cmd;
    }
}
