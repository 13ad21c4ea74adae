using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model.Tests;

/// <summary>The project's BatchNorm2d against TorchSharp's, which it replaces (issue 10).</summary>
public sealed class BatchNorm2dTests
{
    [Fact]
    public void StateDict_HasTorchSharpsNamesAndTypes()
    {
        using var theirs = nn.BatchNorm2d(6);
        using var ours = new BatchNorm2d(6);
        Assert.Equal(theirs.state_dict().Select(static kv => (kv.Key, kv.Value.dtype, Shape: string.Join(',', kv.Value.shape))).OrderBy(static x => x.Key),
                     ours.state_dict().Select(static kv => (kv.Key, kv.Value.dtype, Shape: string.Join(',', kv.Value.shape))).OrderBy(static x => x.Key));
        Assert.Equal(theirs.named_parameters().Select(static p => p.name), ours.named_parameters().Select(static p => p.name));
    }

    [Fact]
    public void TrainAndEval_BitIdenticalToTorchSharps()
    {
        manual_seed(4);
        using var theirs = nn.BatchNorm2d(3);
        using var ours = new BatchNorm2d(3);
        using (no_grad())
        {
            // Non-trivial affine parameters, copied across.
            theirs.weight.copy_(rand(3) + 0.5);
            theirs.bias!.copy_(randn(3));
        }
        ours.load_state_dict(theirs.state_dict());
        theirs.train();
        ours.train();
        for (int step = 0; step < 3; step++)
        {
            using var x = randn(4, 3, 8, 8) * 2 + 1;
            using var a = theirs.forward(x);
            using var b = ours.forward(x);
            Assert.True(a.eq(b).all().item<bool>(), $"training step {step}: outputs differ");
        }
        foreach (var (name, t) in theirs.state_dict())
            Assert.True(t.eq(ours.state_dict()[name]).all().item<bool>(), $"{name} differs after training steps");
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());

        theirs.eval();
        ours.eval();
        using var y = randn(2, 3, 8, 8);
        using var ea = theirs.forward(y);
        using var eb = ours.forward(y);
        Assert.True(ea.eq(eb).all().item<bool>(), "eval outputs differ");
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>()); // eval does not count
    }

    [Fact]
    public void ShippedCheckpoint_LoadsIntoTheOwnBatchNorm()
    {
        string ckpt = Path.Combine(TestPaths.RepoRoot(), "models", "lesion-unet16.ckpt");
        var (model, _) = Checkpoint.Load(ckpt);
        using (model)
        {
            var norms = model.modules().OfType<BatchNorm2d>().ToList();
            Assert.Equal(2 * (1 + 2 * model.Options.Depth), norms.Count);
            Assert.DoesNotContain(model.modules(), static m => m is TorchSharp.Modules.BatchNorm2d);
            // Trained statistics came through (a fresh layer has mean 0, var 1).
            var state = model.state_dict();
            Assert.True(state["inc.double_conv.1.running_mean"].abs().sum().item<float>() > 0);
            Assert.True(state["inc.double_conv.1.num_batches_tracked"].item<long>() > 0);
        }
    }
}
