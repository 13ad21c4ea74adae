using System.Runtime.InteropServices;
using MedSeg.Core.Inference;

namespace MedSeg.Core.Tests.Inference;

/// <summary>The bf16 probe on cpuinfo texts of machines this project has run on (trimmed) and of ones it may.</summary>
public sealed class CpuBf16ProbeTests
{
    // Two processors, as /proc/cpuinfo lists them: the first block decides.
    private const string Zen3 = """
        processor	: 0
        vendor_id	: AuthenticAMD
        cpu family	: 25
        model		: 1
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov avx avx2 fma bmi1 bmi2 sha_ni vaes vpclmulqdq

        processor	: 1
        model name	: AMD EPYC 7B13
        flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov avx avx2 fma bmi1 bmi2 sha_ni vaes vpclmulqdq
        """;

    private const string Zen4 = """
        processor	: 0
        model name	: AMD EPYC 9B14
        flags		: fpu avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bf16 avx512_vbmi2 gfni
        """;

    private const string SapphireRapids = """
        processor	: 0
        model name	: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
        flags		: fpu avx2 avx512f avx512bw avx512_vnni avx512_bf16 amx_bf16 avx512_fp16 amx_tile amx_int8
        """;

    private const string IceLake = """
        processor	: 0
        model name	: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
        flags		: fpu avx2 avx512f avx512dq avx512bw avx512vl avx512_vnni avx512_bitalg
        """;

    private const string Graviton3 = """
        processor	: 0
        BogoMIPS	: 2100.00
        Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs paca pacg dcpodp svei8mm svebf16 i8mm bf16 dgh rng
        CPU implementer	: 0x41
        CPU part	: 0xd40
        """;

    private const string Graviton2 = """
        processor	: 0
        Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
        CPU implementer	: 0x41
        CPU part	: 0xd0c
        """;

    [Theory]
    [InlineData(Zen3, "AMD EPYC 7B13", "")]
    [InlineData(IceLake, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "")]
    [InlineData(Zen4, "AMD EPYC 9B14", "avx512_bf16")]
    [InlineData(SapphireRapids, "Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", "amx_bf16,avx512_bf16")]
    public void Probe_X64_FindsAvx512Bf16OrAmxBf16Only(string cpuInfo, string model, string found)
    {
        var c = CpuBf16Probe.Probe(cpuInfo, Architecture.X64);
        Assert.Equal(model, c.CpuModel);
        Assert.Equal(found, string.Join(',', c.Found));
        Assert.Equal(found.Length > 0, c.Native);
        Assert.Equal("amx_bf16 or avx512_bf16", c.LookedFor);
    }

    [Fact]
    public void Probe_Arm64_ReadsTheBf16Feature_NotSveBf16AsASubstring()
    {
        var g3 = CpuBf16Probe.Probe(Graviton3, Architecture.Arm64);
        Assert.True(g3.Native);
        Assert.Equal(["bf16"], g3.Found);
        Assert.Equal("arm64 CPU implementer 0x41, part 0xd40", g3.CpuModel);
        // svebf16 alone is not the bf16 feature: a whole word must match.
        var g2 = CpuBf16Probe.Probe(Graviton2.Replace("ssbs", "ssbs svebf16"), Architecture.Arm64);
        Assert.False(g2.Native);
        Assert.Equal("bf16", g2.LookedFor);
    }

    [Fact]
    public void Probe_FlagsOfTheOtherArchitecture_DoNotCount()
    {
        // An x64 process reads "flags", never arm64's "Features" line, and the other way round.
        Assert.False(CpuBf16Probe.Probe(Graviton3, Architecture.X64).Native);
        Assert.False(CpuBf16Probe.Probe(SapphireRapids, Architecture.Arm64).Native);
    }

    [Fact]
    public void Probe_EmptyOrUnknownArchitecture_FindsNothing_AndSaysSo()
    {
        var none = CpuBf16Probe.Probe("", Architecture.X64);
        Assert.False(none.Native);
        Assert.Equal("unknown X64 CPU", none.CpuModel);
        Assert.Contains("no amx_bf16 or avx512_bf16 in /proc/cpuinfo", none.Describe());
        var riscv = CpuBf16Probe.Probe(SapphireRapids, Architecture.RiscV64);
        Assert.False(riscv.Native);
        Assert.Contains("no bf16 instructions are known for RiscV64", riscv.Describe());
    }

    [Fact]
    public void Describe_NamesTheCpuAndTheFlagFound()
    {
        Assert.Equal("AMD EPYC 9B14: native bf16 (avx512_bf16)", CpuBf16Probe.Probe(Zen4, Architecture.X64).Describe());
    }

    [Fact]
    public void Current_ReadsThisMachine_ConsistentWithItsCpuInfo()
    {
        // Whatever this machine is, the probe must agree with a plain reading of its flags.
        string text = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/cpuinfo") : "";
        var expected = CpuBf16Probe.Probe(text, RuntimeInformation.ProcessArchitecture);
        Assert.Equal(expected.Found, CpuBf16Probe.Current.Found);
        Assert.Equal(expected.CpuModel, CpuBf16Probe.Current.CpuModel);
    }
}
