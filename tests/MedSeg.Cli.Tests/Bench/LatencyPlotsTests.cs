using MedSeg.Cli.Bench;

namespace MedSeg.Cli.Tests.Bench;

/// <summary>The bench's plots and warm-up on runs too short, or too lossy, to measure a frame.</summary>
public sealed class LatencyPlotsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-plots-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Plots_NoScenarioMeasuredAFrame_StillWritesBothPngs()
    {
        // A short Newest-mode run can process only warm-up frames; the report links these files.
        var samples = new Dictionary<string, double[]> { ["steady"] = [], ["overload"] = [] };
        PipelineBenchmark.WritePlots(_dir, samples);
        AssertPng(Path.Combine(_dir, "latency_hist.png"));
        AssertPng(Path.Combine(_dir, "latency_cdf.png"));
    }

    [Fact]
    public void Plots_OneScenarioEmpty_PlotsTheOther()
    {
        var samples = new Dictionary<string, double[]> { ["steady"] = [], ["overload"] = [5.0, 6.0, 7.5, 6.2] };
        PipelineBenchmark.WritePlots(_dir, samples);
        AssertPng(Path.Combine(_dir, "latency_hist.png"));
        AssertPng(Path.Combine(_dir, "latency_cdf.png"));
    }

    [Theory]
    [InlineData(20, 20)]
    [InlineData(600, PipelineBenchmark.Warmup)]
    [InlineData(0, 1)]
    public void WarmupFor_NeverMoreThanTheMeasuredRun(int frames, int expected) =>
        Assert.Equal(expected, PipelineBenchmark.WarmupFor(frames));

    private static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"{path} missing");
        var head = File.ReadAllBytes(path).AsSpan(0, 8).ToArray();
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, head);
    }
}
