using System.Globalization;
using System.Runtime.InteropServices;

namespace MedSeg.Core.Timing;

/// <summary>
/// CPU time the hypervisor ran other guests on this VM's CPUs while they had work ("steal" in
/// /proc/stat), over a span of a run: on a shared cloud VM the reason a whole round's latency
/// rises, inference and draw alike, which no change inside the process removes. A benchmark
/// round with steal is not comparable with a quiet one.
/// </summary>
/// <param name="StolenMs">Stolen CPU time summed over every CPU, in ms.</param>
/// <param name="Share">That time as a share of the span's CPU time (wall time × CPUs), 0–1.</param>
public readonly record struct CpuSteal(double StolenMs, double Share)
{
    private const string StatPath = "/proc/stat";
    private const int ScClkTck = 2;   // sysconf name of USER_HZ on Linux

    /// <summary>The counter now; null where the system has none (not Linux, or a kernel before 2.6.11).</summary>
    public static Mark? Start() =>
        ReadTicks() is { } t ? new Mark(t.Steal, t.Cpus, System.Diagnostics.Stopwatch.GetTimestamp()) : null;

    /// <summary>
    /// The steal ticks (USER_HZ) of /proc/stat's aggregate line ("cpu user nice system idle iowait
    /// irq softirq steal ..."); null when the line is not one or has no steal field.
    /// </summary>
    public static long? ParseStatLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu") return null;
        return long.TryParse(fields[8], NumberStyles.None, CultureInfo.InvariantCulture, out long steal) ? steal : null;
    }

    /// <summary>The aggregate steal ticks and the number of per-CPU lines ("cpu0", "cpu1", ...) that it sums.</summary>
    private static (long Steal, int Cpus)? ReadTicks()
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            using var reader = new StreamReader(StatPath);
            if (reader.ReadLine() is not { } total || ParseStatLine(total) is not { } steal) return null;
            int cpus = 0;
            while (reader.ReadLine() is { } line && line.StartsWith("cpu", StringComparison.Ordinal)) cpus++;
            return (steal, Math.Max(cpus, 1));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The counter at one moment.</summary>
    public readonly record struct Mark(long Ticks, int Cpus, long Timestamp)
    {
        /// <summary>What was stolen since the mark; null when the counter can no longer be read.</summary>
        public CpuSteal? Since()
        {
            if (ReadTicks() is not { } now) return null;
            double wallMs = System.Diagnostics.Stopwatch.GetElapsedTime(Timestamp).TotalMilliseconds;
            double stolenMs = (now.Steal - Ticks) * 1000.0 / TicksPerSecond;
            // Every CPU of the VM, not this process's share (Environment.ProcessorCount follows cgroup limits).
            double machineMs = wallMs * Cpus;
            return new CpuSteal(stolenMs, machineMs > 0 ? Math.Clamp(stolenMs / machineMs, 0, 1) : 0);
        }
    }

    // USER_HZ is 100 on every mainstream Linux architecture; sysconf says so for certain.
    private static readonly long TicksPerSecond = OperatingSystem.IsLinux() && sysconf(ScClkTck) is > 0 and var hz ? hz : 100;

    [DllImport("libc")]
    private static extern long sysconf(int name);
}
