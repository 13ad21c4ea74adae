using MedSeg.Core.Inference;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Tests.Inference;

/// <summary>One rule for `eval`, `compare` and `stream`: when a model is tiled, at what size, with which window.</summary>
public sealed class WindowRuleTests
{
    private static readonly PreprocessOptions s_input = new() { Width = 64, Height = 64 };

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void Checkpoint_NoPatch_WholeInputWhateverTheImage(int? patch)
    {
        var plan = WindowRule.ForCheckpoint(s_input, patch).For((512, 512));

        Assert.False(plan.Tiled);
        Assert.Equal(s_input, plan.Input);
        Assert.Equal(1, plan.Windows);
    }

    [Fact]
    public void Checkpoint_Patch_WindowsOfThePatchOverItsStatedInput()
    {
        var rule = WindowRule.ForCheckpoint(s_input, 32);

        // Images are resized to the input the model was trained at, so their own size changes nothing.
        Assert.False(rule.DependsOnImageSize);
        foreach (var size in new (int, int)?[] { null, (16, 16), (512, 300) })
        {
            var plan = rule.For(size);
            Assert.True(plan.Tiled);
            Assert.Equal(s_input, plan.Input);
            Assert.Equal((32, 32, 9), (plan.WindowHeight, plan.WindowWidth, plan.Windows)); // starts 0, 16, 32 per axis
        }
    }

    [Fact]
    public void FixedInput_ImageFits_ResizedToTheInputAndRunWhole()
    {
        var rule = WindowRule.ForFixedInput(s_input);

        Assert.True(rule.DependsOnImageSize);
        foreach (var size in new (int, int)?[] { null, (64, 64), (40, 20) })
        {
            var plan = rule.For(size);
            Assert.False(plan.Tiled);
            Assert.Equal(s_input, plan.Input);
        }
    }

    [Theory]
    [InlineData(128, 128, 128, 128, 9)]
    [InlineData(100, 48, 100, 64, 3)]   // wider only: the short axis stays at the input, never below it
    [InlineData(64, 65, 64, 65, 2)]
    public void FixedInput_ImageLarger_PreparedAtItsOwnSizeInWindowsOfTheInput(int w, int h, int inputW, int inputH, int windows)
    {
        var plan = WindowRule.ForFixedInput(s_input with { Normalization = Normalization.ZScore }).For((w, h));

        Assert.True(plan.Tiled);
        Assert.Equal((inputW, inputH), (plan.Input.Width, plan.Input.Height));
        Assert.Equal(Normalization.ZScore, plan.Input.Normalization);
        Assert.Equal((64, 64, windows), (plan.WindowHeight, plan.WindowWidth, plan.Windows));
    }
}
