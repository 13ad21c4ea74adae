using TorchSharp;
using MedSeg.Imaging.Augment;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// Copies samples into batch tensors, augmenting each copy (the cached sample is never changed).
/// Binary targets are float [N,1,H,W]; multi-class targets int64 [N,H,W].
/// </summary>
/// <remarks>
/// With a patch size, each sample contributes one square patch: with probability
/// <c>foregroundOversample</c> centred on a random foreground pixel (nnU-Net's oversampling, so
/// rare structures are seen), otherwise at a uniformly random position. Foreground pixel lists
/// are built once per sample, on first use.
/// </remarks>
public sealed class BatchBuilder : IDisposable
{
    private readonly PreparedDataset _data;
    private readonly Augmenter? _augmenter;
    private readonly bool _binary;
    private readonly int? _patch;
    private readonly double _oversample;
    private readonly int[]?[] _foreground;

    public BatchBuilder(PreparedDataset data, AugmentOptions augment, bool binary, int? patch = null, double foregroundOversample = 0)
    {
        if (patch is { } p && (p < 1 || p > data.Width || p > data.Height))
            throw new ArgumentOutOfRangeException(nameof(patch), p, $"must fit the prepared {data.Width}×{data.Height} images");
        _data = data;
        _augmenter = augment.Enabled ? new Augmenter(augment) : null;
        _binary = binary;
        _patch = patch;
        _oversample = foregroundOversample;
        _foreground = new int[]?[data.Count];
    }

    public int Height => _patch ?? _data.Height;
    public int Width => _patch ?? _data.Width;

    public (Tensor Images, Tensor Targets) Build(ReadOnlySpan<int> indices, Random rng, Device device)
    {
        int n = indices.Length, c = _data.Channels, h = Height, w = Width;
        int imgLen = c * h * w, maskLen = h * w;
        var x = new float[n * imgLen];
        var m = new byte[n * maskLen];
        for (int k = 0; k < n; k++)
        {
            var xi = x.AsSpan(k * imgLen, imgLen);
            var mi = m.AsSpan(k * maskLen, maskLen);
            if (_patch is null)
            {
                _data.Image(indices[k]).CopyTo(xi);
                _data.Mask(indices[k]).CopyTo(mi);
            }
            else
            {
                Crop(indices[k], rng, xi, mi);
            }
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

    private void Crop(int sample, Random rng, Span<float> image, Span<byte> mask)
    {
        int p = _patch!.Value, fullW = _data.Width, fullH = _data.Height, plane = fullW * fullH;
        int x0 = rng.Next(fullW - p + 1), y0 = rng.Next(fullH - p + 1);
        if (_oversample > 0 && rng.NextDouble() < _oversample)
        {
            int[] fg = _foreground[sample] ??= ForegroundPixels(_data.Mask(sample));
            if (fg.Length > 0)
            {
                int at = fg[rng.Next(fg.Length)];
                x0 = Math.Clamp(at % fullW - p / 2, 0, fullW - p);
                y0 = Math.Clamp(at / fullW - p / 2, 0, fullH - p);
            }
        }
        ReadOnlySpan<float> src = _data.Image(sample);
        ReadOnlySpan<byte> ids = _data.Mask(sample);
        for (int ch = 0; ch < _data.Channels; ch++)
            for (int y = 0; y < p; y++)
                src.Slice(ch * plane + (y0 + y) * fullW + x0, p).CopyTo(image.Slice((ch * p + y) * p, p));
        for (int y = 0; y < p; y++) ids.Slice((y0 + y) * fullW + x0, p).CopyTo(mask.Slice(y * p, p));
    }

    private static int[] ForegroundPixels(ReadOnlySpan<byte> ids)
    {
        var list = new List<int>();
        for (int i = 0; i < ids.Length; i++) if (ids[i] != 0) list.Add(i);
        return [.. list];
    }
}
