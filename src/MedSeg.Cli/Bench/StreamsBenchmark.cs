using System.Globalization;
using System.Text;
using MedSeg.Cli.Reports;
using MedSeg.Cli.Sessions;
using MedSeg.Pipeline.Session;
using MedSeg.Pipeline.Sources;
using Spectre.Console;

namespace MedSeg.Cli.Bench;

/// <summary>
/// N streams, one model: for each stream count, that many live synthetic sources at one rate
/// (each its own seed) through ONE session and its shared inference stage; per stream count the
/// share processed, per-stream and total latency, drops, and whether the machine sustained it.
/// </summary>
/// <remarks>Sustained: every stream ≥ <see cref="MinProcessed"/> % processed and the total end-to-end
/// p99 ≤ <see cref="MaxTailRatio"/> × its median. The batch holds up to one frame per stream (≤ 8).</remarks>
public static class StreamsBenchmark
{
    public const double MinProcessed = 99.5;
    public const double MaxTailRatio = 2.0;

    public static SessionSpec Spec(int streams, string model, double fps, long frames, int size, string device, int threads, int warmup) => new()
    {
        Sources = [.. Enumerable.Range(0, streams).Select(i => new SourceSection
        {
            Uri = string.Create(CultureInfo.InvariantCulture, $"synthetic:lesion?fps={fps}&frames={frames}&size={size}&loop=100&seed={i + 1}"),
            Mode = "newest",
        })],
        Engine = new EngineSection { Model = model, Device = device, Threads = threads },
        Batcher = new BatcherSection { MaxBatch = Math.Clamp(streams, 1, 8) },
        Sinks = new SinksSection { Stats = new StatsSection { WarmupFrames = warmup } },
        Report = new ReportSection { Status = false },
    };

    public static async Task<IReadOnlyList<StreamsCell>> RunAsync(IReadOnlyList<int> counts, string model, double fps, long frames, int size,
                                                                  string device, int threads, CancellationToken ct)
    {
        var cells = new List<StreamsCell>();
        foreach (int n in counts)
        {
            ct.ThrowIfCancellationRequested();
            AnsiConsole.MarkupLine($"[grey]{n} stream(s) × {frames} frames at {fps} fps…[/]");
            using var session = SessionBuilder.Build(Spec(n, model, fps, frames, size, device, threads, WarmupFor(frames)), CheckpointEngineLoader.Instance);
            session.PrepareSources(ct);
            var r = await session.RunAsync(ct).ConfigureAwait(false);
            double processed = 100.0 * r.FramesOut / Math.Max(1, r.FramesIn);
            double minProcessed = r.Streams.Min(static s => s.ProcessedPercent);
            bool sustained = minProcessed >= MinProcessed && r.EndToEnd.Count > 0 && r.EndToEnd.P99 <= MaxTailRatio * r.EndToEnd.Median;
            cells.Add(new StreamsCell(n, fps, session.Pipeline.Options.MaxBatch, r.FramesIn, r.FramesOut, processed, minProcessed,
                                      r.FramesDropped, r.MeanBatch, r.EndToEnd, r.Streams, sustained));
        }
        return cells;
    }

    /// <summary>Frames per stream left out of the latency statistics: 1 s at 25 fps, at most a quarter of the run.</summary>
    public static int WarmupFor(long frames) => (int)Math.Min(25, frames / 4);

    /// <summary>The largest stream count that was sustained (0 when none was).</summary>
    public static int LargestSustained(IReadOnlyList<StreamsCell> cells) => cells.Where(static c => c.Sustained).Select(static c => c.Streams).DefaultIfEmpty(0).Max();

    public static string ToMarkdown(IReadOnlyList<StreamsCell> cells, string machine, string model)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"N streams on one model ({model}) — {machine}");
        md.AppendLine();
        md.AppendLine("| streams | fps each | batch ≤ | mean batch | processed % (worst stream) | drops | total median ms | total p99 ms | p99 / median | per-stream median ms (min–max) | per-stream p99 ms (min–max) | sustained |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in cells)
        {
            var s = c.PerStream;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Streams} | {c.Fps:0.#} | {c.MaxBatch} | {c.MeanBatch:F2} | {c.ProcessedPercent:F1} ({c.MinProcessedPercent:F1}) | {c.Drops} | " +
                $"{c.Total.Median:F1} | {c.Total.P99:F1} | {c.Total.P99 / c.Total.Median:F2} | " +
                $"{Range(s, static x => x.EndToEnd.Median)} | {Range(s, static x => x.EndToEnd.P99)} | {(c.Sustained ? "yes" : "no")} |");
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Largest number of {cells.FirstOrDefault()?.Fps ?? 25:0.#} fps streams sustained (every stream ≥ {MinProcessed} % processed, p99 ≤ {MaxTailRatio}× median): **{LargestSustained(cells)}**");
        return md.ToString();
    }

    /// <summary>"min–max" over the streams that have latency samples (a stream that kept fewer frames than its warm-up has none).</summary>
    private static string Range(IReadOnlyList<Pipeline.StreamReport> streams, Func<Pipeline.StreamReport, double> value)
    {
        var v = streams.Where(static s => s.EndToEnd.Count > 0).Select(value).ToArray();
        return v.Length == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{v.Min():F1}–{v.Max():F1}") + (v.Length < streams.Count ? $" ({streams.Count - v.Length} without samples)" : "");
    }

    public static void Save(string outDir, IReadOnlyList<StreamsCell> cells, string md)
    {
        Directory.CreateDirectory(outDir);
        ReportJson.Save(Path.Combine(outDir, "bench-streams.json"), cells);
        Core.IO.OutputFile.WriteAllText(Path.Combine(outDir, "bench-streams.md"), md);
    }
}
