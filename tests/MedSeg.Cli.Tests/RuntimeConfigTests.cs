using System.Text.Json;

namespace MedSeg.Cli.Tests;

/// <summary>
/// The program's runtime settings, as built (README, "No tiered compilation"): each method is
/// compiled once, optimized, at its first call, which the view's warm-up makes before the clock.
/// </summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Medseg_RunsWithoutTieredCompilationAndWithWorkstationGc()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "medseg.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.Runtime.TieredCompilation").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
