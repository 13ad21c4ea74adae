using System.Runtime.InteropServices;

namespace MedSeg.Core.Inference;

/// <summary>
/// Whether this CPU does bfloat16 arithmetic natively, read from /proc/cpuinfo: on x86 the
/// <c>avx512_bf16</c> (AVX512_BF16: bf16 dot products) or <c>amx_bf16</c> (AMX tiles) flag, on
/// arm64 the <c>bf16</c> feature (BFDOT / BFMMLA).
/// </summary>
/// <remarks>
/// Why it matters: libtorch (oneDNN) runs a bf16 convolution with those instructions; without them
/// it converts to fp32 and back around every op, so "bf16" is slower than fp32 and measures nothing
/// a user would get. The probe decides whether --precision bf16 is offered and whether a bench's
/// bf16 timings are marked emulated. Pure text parsing, so tests feed it any machine's cpuinfo.
/// </remarks>
public sealed class CpuBf16Probe
{
    private static readonly Lazy<Bf16Capability> s_current = new(static () => Probe(ReadCpuInfo(), RuntimeInformation.ProcessArchitecture));

    /// <summary>This machine, probed once per process (/proc/cpuinfo; an empty text off Linux finds nothing).</summary>
    public static Bf16Capability Current => s_current.Value;

    /// <summary>The capability a cpuinfo text describes for a process running on <paramref name="architecture"/>.</summary>
    public static Bf16Capability Probe(string cpuInfo, Architecture architecture)
    {
        ArgumentNullException.ThrowIfNull(cpuInfo);
        bool arm = architecture is Architecture.Arm64;
        bool x86 = architecture is Architecture.X64 or Architecture.X86;
        string[] wanted = x86 ? ["amx_bf16", "avx512_bf16"] : arm ? ["bf16"] : [];
        // x86 lists its flags under "flags", arm64 under "Features"; the first processor block speaks for all.
        var features = Field(cpuInfo, x86 ? "flags" : "Features")?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
        string[] found = [.. wanted.Where(w => features.Contains(w, StringComparer.Ordinal))];
        // arm64 kernels print no model name: the implementer / part numbers are what identifies the core.
        string model = Field(cpuInfo, "model name")
                       ?? (Field(cpuInfo, "CPU implementer") is { } impl ? $"arm64 CPU implementer {impl}, part {Field(cpuInfo, "CPU part") ?? "?"}" : null)
                       ?? $"unknown {architecture} CPU";
        return new Bf16Capability(model, architecture, found, wanted);
    }

    /// <summary>The value of the first "<paramref name="key"/> : value" line, or null.</summary>
    private static string? Field(string cpuInfo, string key)
    {
        foreach (var line in cpuInfo.AsSpan().EnumerateLines())
        {
            int colon = line.IndexOf(':');
            if (colon > 0 && line[..colon].Trim().SequenceEqual(key)) return line[(colon + 1)..].Trim().ToString();
        }
        return null;
    }

    private static string ReadCpuInfo()
    {
        try
        {
            return OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : "";
        }
        catch (IOException)
        {
            return ""; // unreadable: nothing found, so bf16 is refused with the reason
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
