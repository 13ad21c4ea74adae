using MedSeg.Cli.Reports;
using System.Globalization;
using System.Text;

namespace MedSeg.Cli.Bench;

/// <summary>Everything `medseg bench` measured, written as JSON and Markdown.</summary>
public sealed record BenchReport(
    string Machine, string Device, int TorchThreads, string Model, double MatmulGflops,
    IReadOnlyList<EngineCell> Engine, IReadOnlyList<PipelineCell> Pipeline, IReadOnlyList<SoakCell> Soak, RenderCell? Render)
{
    public void SaveJson(string path) => Core.IO.OutputFile.WriteAllText(path, ReportJson.Serialize(this));

    public string ToMarkdown()
    {
        var ci = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(ci, $"Machine: {Machine}; device {Device}; {TorchThreads} torch threads; model: {Model}.");
        md.AppendLine(ci, $"libtorch float32 matmul (1024×1024): **{MatmulGflops:F1} GFLOP/s** in this run.");
        md.AppendLine();
        md.AppendLine("Engine alone (one call = one batch; per-frame = batch median / batch size):");
        md.AppendLine();
        md.AppendLine("| size | batch | batch median ms | p90 | p99 | max | tail | flatness | per-frame ms | frames/s | GFLOP/frame | GFLOP/s | % of matmul |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var e in Engine)
        {
            var s = e.PerBatch;
            md.AppendLine(ci, $"| {e.Size} | {e.Batch} | {s.Median:F2} | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {s.Tail:F2} | {s.Flatness:F2} | " +
                              $"{e.PerFrameMs:F2} | {e.FramesPerSecond:F1} | {e.GflopPerFrame:F2} | {e.AchievedGflops:F1} | {100 * e.FractionOfMatmul:F0} % |");
        }
        if (Pipeline.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Whole pipeline (synthetic source → preprocess → batcher → engine → postprocess → sinks), after warm-up:");
            md.AppendLine();
            md.AppendLine("| scenario | size | max batch | source fps | frames | processed | e2e median ms | p90 | p99 | max | tail | flatness | overhead ms | drops | alloc B/frame | gen0/1/2 |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var p in Pipeline)
            {
                var s = p.EndToEnd;
                md.AppendLine(ci, $"| {p.Scenario} | {p.Size} | {p.MaxBatch} | {(p.SourceFps > 0 ? p.SourceFps.ToString("F0", ci) : "max")} | {p.Frames} | {p.Processed} | " +
                                  $"{s.Median:F2} | {s.P90:F2} | {s.P99:F2} | {s.Max:F2} | {s.Tail:F2} | {s.Flatness:F2} | {p.OverheadMs:F2} | " +
                                  $"{p.Drops} | {p.AllocatedBytesPerFrame:F0} | {p.Gen0}/{p.Gen1}/{p.Gen2} |");
            }
        }
        if (Render is { } r)
        {
            md.AppendLine();
            md.AppendLine(ci, $"Overlay rendering, headless OpenGL ({r.Renderer}), {r.Width}×{r.Height} image + class mask upload and filled-overlay draw, each frame finished:");
            md.AppendLine();
            md.AppendLine("| upload + draw (8-bit grey) | with read-back (PNG/video path) | CT: 16-bit HU + window/level | bare upload + draw (one texture, pass-through shader) | overlay ÷ bare |");
            md.AppendLine("|---|---|---|---|---|");
            md.AppendLine(ci, $"| {r.UploadDrawFps:F0} frames/s | {r.WithReadBackFps:F0} frames/s | {r.CtWindowFps:F0} frames/s | {r.BareFps:F0} frames/s | {100 * r.FractionOfBare:F0} % |");
        }
        if (Soak.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Soak runs (drift = p99 of the last 1,000 frames vs the first 1,000):");
            md.AppendLine();
            md.AppendLine("| scenario | size | max batch | source fps | frames | processed | e2e median ms | p99 | p99 first 1k | p99 last 1k | drift | drops | working set MB start→end | managed heap MB start→end | alloc B/frame | gen0/1/2 |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var k in Soak)
                md.AppendLine(ci, $"| {k.Scenario} | {k.Size} | {k.MaxBatch} | {k.SourceFps:F1} | {k.Frames} | {k.Processed} ({k.ProcessedPercent:F2} %) | " +
                                  $"{k.EndToEnd.Median:F2} | {k.EndToEnd.P99:F2} | {k.P99First1000:F2} | {k.P99Last1000:F2} | {k.DriftPercent:+0.0;-0.0} % | {k.Drops} | " +
                                  $"{k.WorkingSetStartMb:F0}→{k.WorkingSetEndMb:F0} | {k.ManagedHeapStartMb:F1}→{k.ManagedHeapEndMb:F1} | {k.AllocatedBytesPerFrame:F0} | {k.Gen0}/{k.Gen1}/{k.Gen2} |");
        }
        return md.ToString();
    }
}
