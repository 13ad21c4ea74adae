using TorchSharp;
using MedSeg.Imaging.Augment;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// Copies samples into batch tensors, augmenting each copy (the cached sample is never changed).
/// Binary targets are float [N,1,H,W]; multi-class targets int64 [N,H,W].
/// </summary>
public sealed class BatchBuilder : IDisposable
{
    private readonly PreparedDataset _data;
    private readonly Augmenter? _augmenter;
    private readonly bool _binary;

    public BatchBuilder(PreparedDataset data, AugmentOptions augment, bool binary)
    {
        _data = data;
        _augmenter = augment.Enabled ? new Augmenter(augment) : null;
        _binary = binary;
    }

    public (Tensor Images, Tensor Targets) Build(ReadOnlySpan<int> indices, Random rng, Device device)
    {
        int n = indices.Length, c = _data.Channels, h = _data.Height, w = _data.Width;
        int imgLen = c * h * w, maskLen = h * w;
        var x = new float[n * imgLen];
        var m = new byte[n * maskLen];
        for (int k = 0; k < n; k++)
        {
            var xi = x.AsSpan(k * imgLen, imgLen);
            var mi = m.AsSpan(k * maskLen, maskLen);
            _data.Image(indices[k]).CopyTo(xi);
            _data.Mask(indices[k]).CopyTo(mi);
            _augmenter?.Apply(xi, mi, c, h, w, rng);
        }
        var images = torch.tensor(x, [n, c, h, w]).to(device);
        Tensor targets;
        if (_binary)
        {
            var t = new float[m.Length];
            for (int i = 0; i < m.Length; i++) t[i] = m[i] > 0 ? 1f : 0f;
            targets = torch.tensor(t, [n, 1, h, w]).to(device);
        }
        else
        {
            var t = new long[m.Length];
            for (int i = 0; i < m.Length; i++) t[i] = m[i];
            targets = torch.tensor(t, [n, h, w]).to(device);
        }
        return (images, targets);
    }

    public void Dispose() => _augmenter?.Dispose();
}
