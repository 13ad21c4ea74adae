using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>
/// Folds every eval-mode batch norm into the convolution before it, giving an equivalent U-Net
/// without batch norm layers: per output channel, with s = γ / √(σ² + ε),
///   W' = W · s      b' = (b − μ) · s + β
/// One conv instead of conv + BN saves a full pass over every activation map at inference time.
/// </summary>
/// <remarks>
/// NOTE: this relies on DoubleConv naming its Sequential entries by position ("0" conv, "1" BN,
/// "3" conv, "4" BN): the folded model (BatchNorm = false) has the convs under the same names.
/// </remarks>
public static class BatchNormFolding
{
    public static UNet Fold(UNet model)
    {
        if (!model.Options.BatchNorm) throw new ArgumentException("the model has no batch norm to fold", nameof(model));
        var plain = new UNet(model.Options with { BatchNorm = false, Dropout = 0 });
        var source = model.state_dict();
        var target = plain.state_dict();
        using var _ = no_grad();
        foreach (var (name, dst) in target)
        {
            if (TryBatchNormFor(name, out string bnPrefix, out bool isBias))
            {
                string convPrefix = name[..name.LastIndexOf('.')];
                using var scope = NewDisposeScope();
                var gamma = source[bnPrefix + ".weight"];
                var beta = source[bnPrefix + ".bias"];
                var mean = source[bnPrefix + ".running_mean"];
                var var_ = source[bnPrefix + ".running_var"];
                // Held Scalars, not `var_ + eps` (a temporary value and alpha): see HeldScalars.
                var scale = gamma / var_.add(s_eps, HeldScalars.One).sqrt();
                if (isBias)
                {
                    // The source conv had no bias (it sat before a BN), so b = 0.
                    dst.copy_(beta - mean * scale);
                }
                else
                {
                    var w = source[convPrefix + ".weight"];
                    dst.copy_(w * scale.view(-1, 1, 1, 1));
                }
            }
            else
            {
                dst.copy_(source[name]);
            }
        }
        plain.eval();
        return plain;
    }

    /// <summary>The ε of the project's <see cref="BatchNorm2d"/> (TorchSharp's default), which DoubleConv uses.</summary>
    private static readonly Scalar s_eps = BatchNorm2d.DefaultEps.ToScalar();

    /// <summary>"…double_conv.0.weight" → BN "…double_conv.1"; ".3." → ".4".</summary>
    private static bool TryBatchNormFor(string name, out string bnPrefix, out bool isBias)
    {
        bnPrefix = "";
        isBias = name.EndsWith(".bias", StringComparison.Ordinal);
        foreach (var (conv, bn) in new[] { ("double_conv.0.", "double_conv.1"), ("double_conv.3.", "double_conv.4") })
        {
            int i = name.LastIndexOf(conv, StringComparison.Ordinal);
            if (i < 0 || name.IndexOf('.', i + conv.Length) >= 0) continue;
            bnPrefix = name[..i] + bn;
            return true;
        }
        return false;
    }
}
