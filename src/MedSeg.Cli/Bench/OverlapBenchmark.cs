using System.Diagnostics;
using System.Globalization;
using System.Text;
using MedSeg.Core.Inference;

namespace MedSeg.Cli.Bench;

/// <summary>
/// <c>medseg bench --overlap</c>: one engine, the same batches, run two ways — as the inference
/// stage used to (copy the frames into staging, then a synchronous Infer) and through its two
/// slots (copy into slot k+1 and queue it while slot k computes) — so the ratio is the time the
/// overlap hides: on the CPU the staging copy and the output read-back; on CUDA also the upload
/// and download, which run on their own streams.
/// </summary>
public static class OverlapBenchmark
{
    public sealed record Cell(string Device, int Size, int Batch, int Batches, double SyncMsPerBatch, double SlotsMsPerBatch)
    {
        public double Gain => SyncMsPerBatch / SlotsMsPerBatch;
    }

    public static Cell Run(ISegmentationEngine engine, int batch, int batches)
    {
        var d = engine.Description;
        int frame = d.Channels * d.Height * d.Width, plane = d.Height * d.Width;
        var frames = new float[batch * frame];
        var rng = new Random(1);
        for (int i = 0; i < frames.Length; i++) frames[i] = (float)rng.NextDouble();
        var staging = new float[batch * frame];
        var labels = new byte[batch * plane];
        var fg = new float[batch * plane];

        // 1. Synchronous: copy in, compute, read out, one batch after the other.
        void Sync()
        {
            frames.CopyTo(staging, 0);
            engine.Infer(staging, batch, labels, fg);
        }
        for (int i = 0; i < 3; i++) Sync();
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < batches; i++) Sync();
        double sync = Stopwatch.GetElapsedTime(t0).TotalMilliseconds / batches;

        // 2. Two slots: batch i is staged and queued before batch i − 1 is completed.
        using var slots = engine.CreateSlots();
        double Slots(int n)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < n; i++)
            {
                int s = i % 2;
                frames.CopyTo(slots.Input(s));
                slots.Submit(s, batch);
                if (i > 0) slots.Complete(s ^ 1, labels, fg);
            }
            slots.Complete((n - 1) % 2, labels, fg);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / n;
        }
        Slots(4);
        return new Cell(d.Device, d.Width, batch, batches, sync, Slots(batches));
    }

    public static string ToMarkdown(IReadOnlyList<Cell> cells, string command)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}` — {Environment.ProcessorCount} cores, ms per batch (mean over the batches)").AppendLine();
        md.AppendLine("| device | input | batch | batches | synchronous (copy + Infer) | two slots (overlapped) | sync ÷ slots |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in cells)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Device} | {c.Size}² | {c.Batch} | {c.Batches} | {c.SyncMsPerBatch:F2} | {c.SlotsMsPerBatch:F2} | {c.Gain:F3} |");
        return md.ToString();
    }
}
