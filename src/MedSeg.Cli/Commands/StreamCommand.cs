using System.CommandLine;
using MedSeg.Cli.Sessions;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Commands;

/// <summary>
/// `medseg stream`: sources through the whole pipeline with a checkpoint; a status line every
/// second and a final report. Ctrl+C drains in-flight frames and still prints the report.
/// A front-end: its flags become a <see cref="SessionSpec"/> (<c>--print-spec</c> shows it).
/// </summary>
public static class StreamCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (best.ckpt from `medseg train`)", Required = true };
        var source = SpecFlags.Sources("synthetic:lesion?fps=25&frames=500",
            "Frame source: synthetic:lesion|lungs|mri[?fps=25&frames=N&size=128&seed=1&loop=N], dicom:DIR|FILE, " +
            "nifti:FILE[?axis=z], tiff:FILE|DIR, folder:DIR, video:FILE|INDEX|URL, igtl://host:port, recording:FILE; replays take " +
            "fps=25&play=once|loop|pingpong&frames=N (fps=0: as fast as possible; frames=0: until Ctrl+C)");
        var mode = SpecFlags.Mode();
        var maxBatch = CommonOptions.MaxBatch();
        var maxWait = CommonOptions.MaxWaitMs();
        var smooth = new Option<double>("--smooth") { Description = "Temporal smoothing: EMA weight of the new frame's probabilities (1 = off)", DefaultValueFactory = _ => 1 }.Between(0.001, 1);
        var largest = new Option<bool>("--largest-component") { Description = "Keep only the largest connected component per class" };
        var fill = new Option<bool>("--fill-holes") { Description = "Fill holes in the mask" };
        var threshold = CommonOptions.Threshold();
        var sendLabels = new Option<bool>("--send-labels") { Description = "igtl:// sources: send each predicted label map back to the server as an IMAGE message" };
        var record = new Option<string?>("--record") { Description = "Record the session (MessagePack, recordings/FORMAT.md) to this file (stream k: -sK suffix); never drops a frame" };
        var overwrite = new Option<bool>("--overwrite") { Description = "--record: replace existing session files" };
        var report = new Option<string?>("--report") { Description = "Write the final report as JSON to this file" };
        var device = CommonOptions.Device();
        var threads = CommonOptions.StreamingThreads();
        var engineKind = SpecFlags.Engine();
        var precision = SpecFlags.Precision();
        var calibration = SpecFlags.Calibration();
        var tiling = SpecFlags.Tiling();
        var print = SpecFlags.PrintSpec();
        var cmd = new Command("stream", "Run frame sources through the real-time pipeline (preprocess → micro-batch → U-Net → postprocess → sinks)")
        {
            model, source, mode, maxBatch, maxWait, smooth, largest, fill, threshold, sendLabels, record, overwrite, report, device, threads, engineKind, precision, calibration, tiling, print,
        };
        cmd.SetAction((p, ct) => CommandErrors.RunAsync(() =>
        {
            var spec = new SessionSpec
            {
                Sources = SpecFlags.SourceList(p.GetValue(source)!, p.GetValue(mode)!),
                Engine = new EngineSection { Model = p.GetValue(model)!, Kind = p.GetValue(engineKind)!, Device = p.GetValue(device)!, Threads = p.GetValue(threads), Threshold = p.GetValue(threshold), Tiling = p.GetValue(tiling)! }.WithPrecision(p, precision, calibration),
                Batcher = new BatcherSection { MaxBatch = p.GetValue(maxBatch), MaxWaitMs = p.GetValue(maxWait) },
                Postprocess = new PostprocessSection { Smoothing = p.GetValue(smooth), LargestComponent = p.GetValue(largest), FillHoles = p.GetValue(fill) },
                Sinks = new SinksSection
                {
                    Recorder = new RecorderSection { Path = p.GetValue(record), Overwrite = p.GetValue(overwrite) },
                    Labels = new LabelsSection { Enabled = p.GetValue(sendLabels) },
                },
                Report = new ReportSection { Path = p.GetValue(report) },
            };
            return SessionRunner.PrintOrRunAsync(spec, p.GetValue(print), ct);
        }));
        return cmd;
    }
}
