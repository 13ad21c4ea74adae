using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>
/// Segments frames larger than the network's patch by Gaussian-weighted sliding windows, as
/// `eval` does (<see cref="SlidingWindows"/>: the same window starts and weights), over any
/// <see cref="IProbabilityEngine"/> prepared for patch-sized input — TorchSharp or ONNX Runtime.
/// </summary>
/// <remarks>
/// Inputs: batch × C × H × W preprocessed frames at the contract's size. Outputs: labels and
/// P(foreground) at that size, decoded by <see cref="ProbabilityLabels"/> from the averaged
/// probabilities. Options: the inner engine (its input is the P × P patch, P ≤ H, W), the
/// full-size preprocessing, overlap and sigma (nnU-Net's 0.5 and 1/8). Memory: window,
/// probability and accumulator buffers sized for the inner engine's MaxBatch windows and MaxBatch
/// frames, made here; nothing per call. Not thread-safe: the inference stage owns it.
/// Notes: windows of all frames in a batch share the inner batches, so a batch of frames costs
/// ⌈frames × windows / inner MaxBatch⌉ inner calls. Disposing disposes the inner engine.
/// </remarks>
public sealed class TiledEngine : ISegmentationEngine
{
    private readonly IProbabilityEngine _inner;
    private readonly int _c, _h, _w, _p, _k;
    private readonly (int Y, int X)[] _windows;
    private readonly float[] _importance, _weight, _windowIn, _windowOut, _sum;

    public TiledEngine(IProbabilityEngine inner, PreprocessOptions full, int maxBatch,
                       double overlap = SlidingWindows.DefaultOverlap, double sigmaScale = SlidingWindows.DefaultSigmaScale)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(full);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var patch = inner.Contract;
        if (patch.Width != patch.Height) throw new ArgumentException($"the inner engine's input must be a square patch, not {patch.Width}×{patch.Height}", nameof(inner));
        (_c, _h, _w, _p, _k) = (full.Channels, full.Height, full.Width, patch.Width, patch.OutputChannels);
        if (_c != patch.Channels) throw new ArgumentException($"the patch engine takes {patch.Channels} channels, the frames have {_c}", nameof(full));
        if (_p > _h || _p > _w) throw new ArgumentOutOfRangeException(nameof(inner), _p, $"the patch must fit the {_w}×{_h} input");
        _inner = inner;
        MaxBatch = maxBatch;
        _windows = [.. from y in SlidingWindows.Starts(_h, _p, overlap) from x in SlidingWindows.Starts(_w, _p, overlap) select (y, x)];
        _importance = SlidingWindows.Gaussian(_p, _p, sigmaScale);
        // Every frame's windows are the same, so the weight each pixel collects is computed once.
        _weight = new float[_h * _w];
        foreach (var (y, x) in _windows)
            for (int r = 0; r < _p; r++)
                for (int col = 0; col < _p; col++)
                    _weight[(y + r) * _w + x + col] += _importance[r * _p + col];
        _windowIn = new float[inner.MaxBatch * _c * _p * _p];
        _windowOut = new float[inner.MaxBatch * _k * _p * _p];
        _sum = new float[maxBatch * _k * _h * _w];
        Contract = patch with { Preprocess = full, Patch = _p, GflopPerFrame = patch.GflopPerFrame * _windows.Length };
        var d = inner.Description;
        Description = d with { Model = $"{d.Model}, tiled {_windows.Length} × {_p}²", Height = _h, Width = _w, GflopPerFrame = Contract.GflopPerFrame };
    }

    public EngineDescription Description { get; }
    public ModelContract Contract { get; }
    public int MaxBatch { get; }

    /// <summary>Windows per frame.</summary>
    public int Windows => _windows.Length;

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int plane = _h * _w, frameIn = _c * plane, patchPlane = _p * _p;
        if (input.Length < batch * frameIn) throw new ArgumentException($"expected {batch}×{_c}×{_h}×{_w} floats, got {input.Length}", nameof(input));
        if (labels.Length < batch * plane) throw new ArgumentException($"labels need {batch * plane} bytes", nameof(labels));
        bool wantFg = !foreground.IsEmpty;
        if (wantFg && foreground.Length < batch * plane) throw new ArgumentException($"foreground needs {batch * plane} floats", nameof(foreground));
        var sum = _sum.AsSpan(0, batch * _k * plane);
        sum.Clear();

        // 1. Windows of every frame, in inner batches; each window's probabilities are weighed and added.
        int total = batch * _windows.Length;
        for (int first = 0; first < total; first += _inner.MaxBatch)
        {
            int n = Math.Min(_inner.MaxBatch, total - first);
            for (int j = 0; j < n; j++)
            {
                var (f, (y, x)) = Window(first + j);
                for (int ch = 0; ch < _c; ch++)
                    for (int r = 0; r < _p; r++)
                        input.Slice(f * frameIn + ch * plane + (y + r) * _w + x, _p).CopyTo(_windowIn.AsSpan(((j * _c + ch) * _p + r) * _p, _p));
            }
            _inner.InferProbabilities(_windowIn.AsSpan(0, n * _c * patchPlane), n, _windowOut.AsSpan(0, n * _k * patchPlane));
            for (int j = 0; j < n; j++)
            {
                var (f, (y, x)) = Window(first + j);
                for (int k = 0; k < _k; k++)
                {
                    var target = sum.Slice((f * _k + k) * plane, plane);
                    var p = _windowOut.AsSpan((j * _k + k) * patchPlane, patchPlane);
                    for (int r = 0; r < _p; r++)
                        for (int col = 0; col < _p; col++)
                            target[(y + r) * _w + x + col] += p[r * _p + col] * _importance[r * _p + col];
                }
            }
        }

        // 2. Weighted mean, then the one decoding (threshold or argmax).
        for (int f = 0; f < batch; f++)
        {
            var probabilities = sum.Slice(f * _k * plane, _k * plane);
            for (int k = 0; k < _k; k++)
            {
                var q = probabilities.Slice(k * plane, plane);
                for (int i = 0; i < plane; i++) q[i] /= _weight[i];
            }
            ProbabilityLabels.Decode(probabilities, _k, Contract.Threshold, labels.Slice(f * plane, plane), wantFg ? foreground.Slice(f * plane, plane) : default);
        }
    }

    private (int Frame, (int Y, int X) At) Window(int i) => (i / _windows.Length, _windows[i % _windows.Length]);

    public void Dispose() => _inner.Dispose();
}
