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

    private static ModelContract Graph(InferenceMode inference, (int, int)? tiledInput = null) => new ModelContract
    {
        Model = "graph", ClassNames = ["background", "lesion"], Preprocess = s_input with { Normalization = Normalization.ZScore },
        Inference = inference, TiledInput = tiledInput,
    }.Validate();

    [Fact]
    public void Graph_Resize_ResizedToTheInputAndRunWholeWhateverTheImage()
    {
        // An export of a whole-image checkpoint, an old .onnx, a sidecar that says nothing: as the checkpoint, as Holoscan's InferenceOp.
        var rule = WindowRule.ForGraph(Graph(InferenceMode.Resize));

        Assert.False(rule.DependsOnImageSize);
        foreach (var size in new (int, int)?[] { null, (64, 64), (40, 20), (4020, 4892) })
        {
            var plan = rule.For(size);
            Assert.False(plan.Tiled);
            Assert.Equal((64, 64, 1), (plan.Input.Width, plan.Input.Height, plan.Windows));
        }
    }

    [Fact]
    public void Graph_SlidingWindowOverTiledInput_SameWindowsAsItsPatchTrainedCheckpoint()
    {
        // Our export of a checkpoint trained on 64² patches of 128×160 inputs: the graph takes the patch.
        var rule = WindowRule.ForGraph(Graph(InferenceMode.SlidingWindow, (128, 160)));
        var checkpoint = WindowRule.ForCheckpoint(s_input with { Width = 128, Height = 160, Normalization = Normalization.ZScore }, 64);

        Assert.False(rule.DependsOnImageSize);
        foreach (var size in new (int, int)?[] { null, (32, 32), (4020, 4892) })
            Assert.Equal(checkpoint.For(size), rule.For(size));
        Assert.Equal((128, 160, 64, 64, 12), (rule.For(null).Input.Width, rule.For(null).Input.Height, rule.For(null).WindowHeight, rule.For(null).WindowWidth, rule.For(null).Windows));
    }

    [Theory]
    [InlineData(128, 128, 128, 128, 9)]
    [InlineData(100, 48, 100, 64, 3)]   // wider only: the short axis stays at the input, never below it
    [InlineData(64, 65, 64, 65, 2)]
    public void Graph_SlidingWindowAtNativeSize_ImageLarger_PreparedAtItsOwnSizeInWindowsOfTheInput(int w, int h, int inputW, int inputH, int windows)
    {
        // A foreign patch model whose sidecar says "inference": "sliding-window".
        var rule = WindowRule.ForGraph(Graph(InferenceMode.SlidingWindow));
        var plan = rule.For((w, h));

        Assert.True(rule.DependsOnImageSize);
        Assert.True(plan.Tiled);
        Assert.Equal((inputW, inputH), (plan.Input.Width, plan.Input.Height));
        Assert.Equal(Normalization.ZScore, plan.Input.Normalization);
        Assert.Equal((64, 64, windows), (plan.WindowHeight, plan.WindowWidth, plan.Windows));
    }

    [Fact]
    public void Graph_SlidingWindowAtNativeSize_ImageFitsOrUnknown_ResizedToTheInput()
    {
        var rule = WindowRule.ForGraph(Graph(InferenceMode.SlidingWindow));

        foreach (var size in new (int, int)?[] { null, (64, 64), (40, 20) })
        {
            var plan = rule.For(size);
            Assert.False(plan.Tiled);
            Assert.Equal(64, plan.Input.Width);
        }
    }
}
