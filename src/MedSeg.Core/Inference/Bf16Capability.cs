using System.Runtime.InteropServices;

namespace MedSeg.Core.Inference;

/// <summary>What <see cref="CpuBf16Probe"/> found.</summary>
/// <param name="CpuModel">The "model name" line (or the arm64 implementer / part), for messages and reports.</param>
/// <param name="Architecture">The process's architecture, which decides which flags count.</param>
/// <param name="Found">The native-bf16 flags present (empty: none).</param>
/// <param name="Looked">The flags that would count on this architecture (empty: no bf16 probe for it).</param>
public sealed record Bf16Capability(string CpuModel, Architecture Architecture, IReadOnlyList<string> Found, IReadOnlyList<string> Looked)
{
    /// <summary>True when libtorch can run bf16 convolutions in hardware here.</summary>
    public bool Native => Found.Count > 0;

    /// <summary>"avx512_bf16 or amx_bf16"-style list of what is missing, for refusals.</summary>
    public string LookedFor => Looked.Count == 0 ? $"no bf16 instructions are known for {Architecture}" : string.Join(" or ", Looked);

    /// <summary>One phrase for reports: which flag it found, or that it found none.</summary>
    public string Describe() => Native
        ? $"{CpuModel}: native bf16 ({string.Join(", ", Found)})"
        : $"{CpuModel}: no native bf16 ({(Looked.Count == 0 ? LookedFor : $"no {LookedFor} in /proc/cpuinfo")})";
}
