using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Folds every eval-mode batch norm into the convolution before it, giving an equivalent U-Net
/// without batch norm layers: per output channel, with s = γ / √(σ² + ε),
///   W' = W · s      b' = (b − μ) · s + β
/// One conv instead of conv + BN saves a full pass over every activation map at inference time.
/// </summary>
/// <remarks>
/// Which batch norm follows which convolution comes from tracing the model
/// (<see cref="LayerListTracer"/>), and the folded model's convolutions are paired with the
/// source's by their order in the same trace: no layer names or positions are assumed.
/// </remarks>
public static class BatchNormFolding
{
    public static UNet Fold(UNet model)
    {
        if (!model.Options.BatchNorm) throw new ArgumentException("the model has no batch norm to fold", nameof(model));
        var plain = new UNet(model.Options with { BatchNorm = false, Dropout = 0 });
        var source = model.state_dict();
        // 1. The source's convolutions in forward order, each with the batch norm that directly follows it (if any).
        var layers = LayerListTracer.Of(model);
        var convs = new List<(Convolution Conv, string? BatchNorm)>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Layer is not Convolution conv) continue;
            bool bnNext = i + 1 < layers.Count && layers[i + 1].Layer is BatchNorm2d;
            convs.Add((conv, bnNext ? layers[i + 1].Name : null));
        }
        // 2. The folded model's convolutions, in the same order; they hold every parameter it has.
        var targets = LayerListTracer.Of(plain).Select(static l => l.Layer).OfType<Convolution>().ToList();
        if (targets.Count != convs.Count || targets.Sum(static c => c.bias is null ? 1 : 2) != plain.parameters().Count())
            throw new InvalidOperationException($"folding: {convs.Count} convolutions in the model, {targets.Count} in its batch-norm-free twin");
        using var _ = no_grad();
        foreach (var ((conv, bn), dst) in convs.Zip(targets))
        {
            if (bn is null)
            {
                dst.weight.copy_(conv.weight);
                dst.bias?.copy_(conv.bias!);
                continue;
            }
            using var scope = NewDisposeScope();
            var gamma = source[bn + ".weight"];
            var beta = source[bn + ".bias"];
            var mean = source[bn + ".running_mean"];
            var var_ = source[bn + ".running_var"];
            // Held Scalars, not `var_ + eps` (a temporary value and alpha): see HeldScalars.
            var scale = gamma / var_.add(s_eps, HeldScalars.One).sqrt();
            dst.weight.copy_(conv.weight * scale.view(-1, 1, 1, 1));
            // A conv before a BN has no bias (b = 0), so b' = β − μ·s.
            dst.bias!.copy_(beta - mean * scale);
        }
        plain.eval();
        return plain;
    }

    /// <summary>The ε of the project's <see cref="BatchNorm2d"/> (TorchSharp's default), which DoubleConv uses.</summary>
    private static readonly Scalar s_eps = BatchNorm2d.DefaultEps.ToScalar();
}
