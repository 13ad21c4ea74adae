using System.Runtime.CompilerServices;

namespace MedSeg.Cli.Tests;

/// <summary>
/// Points $XDG_CACHE_HOME at a folder of this test run before any test starts, so `--engine auto`
/// runs (in-process and in child processes, which inherit the variable) neither read a choice
/// cached by an earlier run nor add an entry per random test checkpoint to the user's own cache.
/// </summary>
internal static class TestCacheFolder
{
    [ModuleInitializer]
    internal static void Use()
    {
        string dir = Path.Combine(Path.GetTempPath(), "medseg-cli-tests-cache-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", dir);
    }
}
