using MedSeg.Model;
using MedSeg.Model.Planning;

namespace MedSeg.Cli.Tests;

/// <summary>`train`'s planned threshold: tuned on the validation split unless `--threshold` fixes it, which the plan then lists as overridden.</summary>
[Collection("console")]
public sealed class TrainThresholdCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-threshold-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Tiny(string run, params string[] more) =>
        ["train", "--data", "synthetic:lesion?n=16&size=32&seed=2", "--out", run, "--epochs", "2", "--steps-per-epoch", "2",
         "--depth", "2", "--base", "4", "--threads", "2", "--budget", "5", .. more];

    [Fact]
    public async Task Train_Planned_TunesTheThresholdAndSaysSo()
    {
        string run = Path.Combine(_dir, "tuned");

        var (code, output) = await CliRunner.RunAsync(Tiny(run));

        Assert.True(code == 0, output);
        var plan = TrainingPlan.Load(Path.Combine(run, "plan.json"));
        Assert.True(plan.TuneThreshold);
        Assert.DoesNotContain("--threshold", plan.Overridden);
        Assert.Matches(@"threshold (stays 0\.5|[0-9.]+ chosen on the validation split)", output);
    }

    [Fact]
    public async Task Train_ThresholdFlag_FixesItAndIsListedAsOverridden()
    {
        string run = Path.Combine(_dir, "fixed");

        var (code, output) = await CliRunner.RunAsync(Tiny(run, "--threshold", "0.3"));

        Assert.True(code == 0, output);
        var plan = TrainingPlan.Load(Path.Combine(run, "plan.json"));
        Assert.False(plan.TuneThreshold);
        Assert.Contains("--threshold", plan.Overridden);
        Assert.Equal(0.3, Checkpoint.ReadInfo(Path.Combine(run, "best.ckpt")).Threshold);
        Assert.DoesNotContain("chosen on the validation split", output);
    }
}
