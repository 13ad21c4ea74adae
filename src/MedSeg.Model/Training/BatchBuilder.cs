using TorchSharp;
using MedSeg.Imaging.Augment;
using static TorchSharp.torch;

namespace MedSeg.Model.Training;

/// <summary>
/// Copies samples into batch tensors, augmenting each copy (the cached sample is never changed).
/// Binary targets are float [N,1,H,W]; multi-class targets int64 [N,H,W].
/// </summary>
/// <remarks>
/// With a patch size, each sample contributes one square patch: a slot with a forced class
/// (<see cref="BatchSampler"/>'s class-aware share) is centred on a random pixel of that class,
/// so rare structures are seen; any other slot is cut at a uniformly random position.
/// </remarks>
public sealed class BatchBuilder : IDisposable
{
    private readonly PreparedDataset _data;
    private readonly Augmenter? _augmenter;
    private readonly bool _binary;
    private readonly int? _patch;
    private readonly ClassLocations? _classes;

    public BatchBuilder(PreparedDataset data, AugmentOptions augment, bool binary, int? patch = null, ClassLocations? classes = null)
    {
        if (patch is { } p && (p < 1 || p > data.Width || p > data.Height))
            throw new ArgumentOutOfRangeException(nameof(patch), p, $"must fit the prepared {data.Width}×{data.Height} images");
        _data = data;
        _augmenter = augment.Enabled ? new Augmenter(augment) : null;
        _binary = binary;
        _patch = patch;
        _classes = classes;
    }

    public int Height => _patch ?? _data.Height;
    public int Width => _patch ?? _data.Width;

    /// <summary>Whole samples (or random patches) at these indices, no class forced.</summary>
    public (Tensor Images, Tensor Targets) Build(ReadOnlySpan<int> indices, Random rng, Device device)
    {
        var slots = new BatchSlot[indices.Length];
        for (int k = 0; k < slots.Length; k++) slots[k] = new BatchSlot(indices[k]);
        return Build(slots, rng, device);
    }

    public (Tensor Images, Tensor Targets) Build(ReadOnlySpan<BatchSlot> slots, Random rng, Device device)
    {
        int n = slots.Length, c = _data.Channels, h = Height, w = Width;
        int imgLen = c * h * w, maskLen = h * w;
        var x = new float[n * imgLen];
        var m = new byte[n * maskLen];
        for (int k = 0; k < n; k++)
        {
            var xi = x.AsSpan(k * imgLen, imgLen);
            var mi = m.AsSpan(k * maskLen, maskLen);
            if (_patch is null)
            {
                _data.Image(slots[k].Sample).CopyTo(xi);
                _data.Mask(slots[k].Sample).CopyTo(mi);
            }
            else
            {
                Crop(slots[k], rng, xi, mi);
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

    private void Crop(BatchSlot slot, Random rng, Span<float> image, Span<byte> mask)
    {
        int sample = slot.Sample, p = _patch!.Value, fullW = _data.Width, fullH = _data.Height, plane = fullW * fullH;
        int x0 = rng.Next(fullW - p + 1), y0 = rng.Next(fullH - p + 1);
        if (slot.Forced && _classes?.RandomPixel(sample, slot.Class, rng) is int at and >= 0)
        {
            x0 = Math.Clamp(at % fullW - p / 2, 0, fullW - p);
            y0 = Math.Clamp(at / fullW - p / 2, 0, fullH - p);
        }
        ReadOnlySpan<float> src = _data.Image(sample);
        ReadOnlySpan<byte> ids = _data.Mask(sample);
        for (int ch = 0; ch < _data.Channels; ch++)
            for (int y = 0; y < p; y++)
                src.Slice(ch * plane + (y0 + y) * fullW + x0, p).CopyTo(image.Slice((ch * p + y) * p, p));
        for (int y = 0; y < p; y++) ids.Slice((y0 + y) * fullW + x0, p).CopyTo(mask.Slice(y * p, p));
    }
}
