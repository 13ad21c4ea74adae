using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MedSeg.Core.Inference;
using MedSeg.Model;

namespace MedSeg.Cli.Engines;

/// <summary>
/// --engine auto for a checkpoint: times both engines on this model (a few batch-1 calls each,
/// after their own warm-up) and keeps the faster, remembering the answer per machine, model,
/// threads and batch in ~/.cache/medseg/engine-choice.json so later runs start at once. It
/// says what it chose and why.
/// </summary>
public static class EngineChooser
{
    private const int TimedCalls = 5;

    public static ISegmentationEngine Choose(EngineRequest r, Func<EngineRequest, ISegmentationEngine> torch,
                                             Func<EngineRequest, ISegmentationEngine> onnx, Action<string> say)
    {
        string key = Key(r);
        var cache = EngineChoiceCache.Load();
        if (cache.TryGet(key, out var known))
        {
            say($"engine: {known.Engine} (cached {known.Measured:yyyy-MM-dd}: onnxruntime {known.OnnxMs:F1} ms, torch {known.TorchMs:F1} ms per batch-1 call; " +
                $"{EngineChoiceCache.FilePath})");
            return known.Engine == "onnx" ? onnx(r) : torch(r);
        }
        ISegmentationEngine? a = null, b = null;
        try
        {
            a = onnx(r);
            double onnxMs = Time(a);
            b = torch(r);
            double torchMs = Time(b);
            bool onnxWins = onnxMs <= torchMs;
            cache.Put(key, new EngineChoice(onnxWins ? "onnx" : "torch", onnxMs, torchMs, DateTimeOffset.UtcNow));
            say($"engine: {(onnxWins ? "onnx" : "torch")} (measured now: onnxruntime {onnxMs:F1} ms, torch {torchMs:F1} ms per batch-1 call; " +
                $"remembered in {EngineChoiceCache.FilePath})");
            var chosen = onnxWins ? a : b;
            (onnxWins ? b : a).Dispose();
            a = b = null;
            return chosen;
        }
        catch
        {
            a?.Dispose();
            b?.Dispose();
            throw;
        }
    }

    /// <summary>Median of a few batch-1 calls on a mid-grey frame.</summary>
    private static double Time(ISegmentationEngine e)
    {
        var d = e.Description;
        var input = new float[d.Channels * d.Height * d.Width];
        Array.Fill(input, 0.5f);
        var labels = new byte[d.Height * d.Width];
        var fg = new float[d.Height * d.Width];
        e.Infer(input, 1, labels, fg);
        var ms = new double[TimedCalls];
        for (int i = 0; i < TimedCalls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            e.Infer(input, 1, labels, fg);
            ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(ms);
        return ms[TimedCalls / 2];
    }

    /// <summary>Machine (id, cores), model (its SHA-256), threads, device and batch: what the answer depends on.</summary>
    private static string Key(EngineRequest r)
    {
        string machine = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : Environment.MachineName;
        return string.Join('|', machine, Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), Checkpoint.Hash(r.Model),
                           r.Threads.ToString(CultureInfo.InvariantCulture), r.Device, r.MaxBatch.ToString(CultureInfo.InvariantCulture))
               + (r.Window is { } w ? $"|window {w}" : "");
    }
}
