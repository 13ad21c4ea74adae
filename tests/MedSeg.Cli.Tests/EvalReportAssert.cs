using MedSeg.Cli.Reports;

namespace MedSeg.Cli.Tests;

/// <summary>Two `eval` reports of the same images score alike: means to 3 decimals, each image's Dice per class within 2e-3.</summary>
internal static class EvalReportAssert
{
    public static void SameScores(EvalReport expected, EvalReport actual)
    {
        Assert.Equal(expected.Images, actual.Images);
        Assert.Equal(expected.Summary.MeanDice, actual.Summary.MeanDice, 3);
        Assert.Equal(expected.Summary.MeanIou, actual.Summary.MeanIou, 3);
        foreach (var (e, a) in expected.PerImage.Zip(actual.PerImage))
        {
            Assert.Equal(e.Id, a.Id);
            foreach (var (ec, ac) in e.Classes.Zip(a.Classes))
                Assert.True(Math.Abs(ec.Dice - ac.Dice) <= 2e-3, $"{e.Id} class {ec.ClassId}: Dice {ec.Dice} vs {ac.Dice}");
        }
    }
}
