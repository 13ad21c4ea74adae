using System.Diagnostics;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>
/// The build patches TorchSharp's native library only when the system libstdc++ lacks
/// GLIBCXX_3.4.32 (build/TorchNativeFix.targets). These tests read the patched file with
/// binutils' readelf — an independent ELF reader — and check that libtorch really runs.
/// </summary>
public sealed class TorchNativeFixTests
{
    private static readonly string s_native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
    private static readonly string s_lib = Path.Combine(s_native, "libLibTorchSharp.so");

    private static bool SystemHasGlibcxx3432()
    {
        string lib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6" }.First(File.Exists);
        return File.ReadAllBytes(lib).AsSpan().IndexOf("GLIBCXX_3.4.32\0"u8) >= 0;
    }

    private static string Readelf(string args)
    {
        var psi = new ProcessStartInfo("readelf", args + $" \"{s_lib}\"") { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    [Fact]
    public void Libtorch_Loads_AndComputes()
    {
        using var a = ones(3, 3);
        using var b = a.matmul(a);
        Assert.Equal(27f, b.sum().item<float>());
    }

    [Fact]
    public void NativeLibrary_PatchedExactlyWhenSystemLibStdCxxIsOld()
    {
        Assert.True(File.Exists(s_lib), $"{s_lib} missing");
        string needed = Readelf("-d");
        string versions = Readelf("-V");
        string versionLine = versions.Split('\n').Single(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
        if (SystemHasGlibcxx3432())
        {
            Assert.DoesNotContain("libmedseg_stdcxx_shim.so", needed);
            Assert.Contains("Flags: none", versionLine);
        }
        else
        {
            Assert.Contains("[libmedseg_stdcxx_shim.so]", needed);
            Assert.Contains("WEAK", versionLine);
            Assert.True(File.Exists(Path.Combine(s_native, "libmedseg_stdcxx_shim.so")));
            string syms = Readelf("--dyn-syms -W");
            string sym = syms.Split('\n').Single(l => l.Contains("_ZSt21ios_base_library_initv", StringComparison.Ordinal));
            Assert.DoesNotContain("@GLIBCXX_3.4.32", sym);
        }
    }
}
