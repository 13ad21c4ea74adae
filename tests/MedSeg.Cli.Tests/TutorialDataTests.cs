using MedSeg.Cli.Reports;
using MedSeg.Imaging.Tests.Datasets;

namespace MedSeg.Cli.Tests;

/// <summary>
/// `train` then `eval` with the planner on, on data sets laid out as tutorials ship them (written by
/// PIL): the only flags are the ones that keep the run tiny. Scores are not asserted, only that
/// every step reads the layout and the report covers the held-out images.
/// </summary>
[Collection("console")]
public sealed class TutorialDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-tutorial-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("membrane", "train", "", 10)]                // zhixuhao/unet: train/image/0.png + train/label/0.png; eval on the same folder
    [InlineData("kvasir", "", "", 10)]                       // Kvasir-SEG: images/*.jpg + masks/*.jpg
    [InlineData("carvana", "data", "", 10)]                  // milesial/Pytorch-UNet: data/imgs/*.jpg + data/masks/*_mask.gif
    [InlineData("nnunet", "", "", 30)]                       // nnU-Net v2: imagesTr/*_0000.nii.gz + labelsTr/*.nii.gz, 3 CT cases × 10 slices
    [InlineData("isbi", "", "stack-pair:{0}/train-volume.tif?labels={0}/train-labels.tif&slices=8-9", 2)] // ISBI 2012 folder, detected; eval on a slices range
    public async Task TrainThenEval_TutorialLayout_ReadsItAtEveryStep(string kind, string sub, string evalSpec, int evalImages)
    {
        string root = TutorialLayouts.Write(kind, Path.Combine(_dir, kind, sub), count: 10, size: 32);
        string run = Path.Combine(_dir, "run"), eval = Path.Combine(_dir, "eval");

        var (code, output) = await CliRunner.RunAsync("train", "--data", root, "--out", run, "--epochs", "1", "--steps-per-epoch", "2",
                                                     "--depth", "2", "--base", "4", "--threads", "2", "--budget", "5");
        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(run, "plan.json")), output);

        string data = evalSpec.Length > 0 ? string.Format(evalSpec, root) : root;
        (code, output) = await CliRunner.RunAsync("eval", "--model", Path.Combine(run, "best.ckpt"), "--data", data, "--out", eval,
                                                  "--subset", "all", "--threads", "2");
        Assert.True(code == 0, output);
        var report = EvalReport.Load(Path.Combine(eval, "report.json"));
        Assert.Equal(evalImages, report.Images);
        Assert.InRange(report.Summary.MeanDice, 0, 1);
    }

    [Fact]
    public async Task Train_FolderOfNoKnownLayout_ExitsTwoNamingTheFolder()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "pictures"));

        var (code, output) = await CliRunner.RunAsync("train", "--data", _dir, "--out", Path.Combine(_dir, "run"));

        Assert.Equal(2, code);
        Assert.Contains($"cannot detect the data set layout of '{_dir}'", output);
        Assert.Contains("NAME-volume.tif + NAME-labels.tif", output);
        Assert.DoesNotContain("   at ", output);
    }
}
