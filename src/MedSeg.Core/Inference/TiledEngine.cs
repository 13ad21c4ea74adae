using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Inference;

/// <summary>
/// Segments frames larger than the network's window by Gaussian-weighted sliding windows, as
/// `eval` does (<see cref="SlidingWindows"/>: the same window starts and weights), over any
/// <see cref="IProbabilityEngine"/> prepared for window-sized input — TorchSharp or ONNX Runtime
/// (a checkpoint's patch, or a .onnx graph's fixed input: <see cref="WindowRule"/> decides).
/// </summary>
/// <remarks>
/// Inputs: batch × C × H × W preprocessed frames at the contract's size. Outputs: labels and
/// P(foreground) at that size, decoded by <see cref="ProbabilityLabels"/> from the averaged
/// probabilities. Options: the inner engine (its input is the Ph × Pw window, Ph ≤ H, Pw ≤ W), the
/// full-size preprocessing, overlap and sigma (nnU-Net's 0.5 and 1/8). Memory: window,
/// probability and accumulator buffers sized for the inner engine's MaxBatch windows and MaxBatch
/// frames, made here; nothing per call. Not thread-safe: the inference stage owns it.
/// Notes: windows of all frames in a batch share the inner batches, so a batch of frames costs
/// ⌈frames × windows / inner MaxBatch⌉ inner calls. Disposing disposes the inner engine.
/// </remarks>
public sealed class TiledEngine : ISegmentationEngine
{
    private readonly IProbabilityEngine _inner;
    private readonly int _c, _h, _w, _ph, _pw, _k;
    private readonly (int Y, int X)[] _windows;
    private readonly float[] _importance, _weight, _windowIn, _windowOut, _sum;

    public TiledEngine(IProbabilityEngine inner, PreprocessOptions full, int maxBatch,
                       double overlap = SlidingWindows.DefaultOverlap, double sigmaScale = SlidingWindows.DefaultSigmaScale)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(full);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        var patch = inner.Contract;
        (_c, _h, _w, _ph, _pw, _k) = (full.Channels, full.Height, full.Width, patch.Height, patch.Width, patch.OutputChannels);
        if (_c != patch.Channels) throw new ArgumentException($"the window engine takes {patch.Channels} channels, the frames have {_c}", nameof(full));
        if (_ph > _h || _pw > _w) throw new ArgumentOutOfRangeException(nameof(inner), $"{_pw}×{_ph}", $"the window must fit the {_w}×{_h} input");
        _inner = inner;
        MaxBatch = maxBatch;
        _windows = [.. from y in SlidingWindows.Starts(_h, _ph, overlap) from x in SlidingWindows.Starts(_w, _pw, overlap) select (y, x)];
        _importance = SlidingWindows.Gaussian(_ph, _pw, sigmaScale);
        // Every frame's windows are the same, so the weight each pixel collects is computed once.
        _weight = new float[_h * _w];
        foreach (var (y, x) in _windows)
            for (int r = 0; r < _ph; r++)
                for (int col = 0; col < _pw; col++)
                    _weight[(y + r) * _w + x + col] += _importance[r * _pw + col];
        _windowIn = new float[inner.MaxBatch * _c * _ph * _pw];
        _windowOut = new float[inner.MaxBatch * _k * _ph * _pw];
        _sum = new float[maxBatch * _k * _h * _w];
        // Patch states a square training patch; a rectangular window (a graph's input) states none.
        Contract = patch with { Preprocess = full, Patch = _ph == _pw ? _pw : 0, GflopPerFrame = patch.GflopPerFrame * _windows.Length };
        var d = inner.Description;
        string window = _ph == _pw ? $"{_pw}²" : $"{_pw}×{_ph}";
        Description = d with { Model = $"{d.Model}, tiled {_windows.Length} × {window}", Height = _h, Width = _w, GflopPerFrame = Contract.GflopPerFrame };
    }

    public EngineDescription Description { get; }
    public ModelContract Contract { get; }
    public int MaxBatch { get; }

    /// <summary>Windows per frame.</summary>
    public int Windows => _windows.Length;

    public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground)
    {
        if (batch < 1 || batch > MaxBatch) throw new ArgumentOutOfRangeException(nameof(batch), batch, $"must be 1–{MaxBatch}");
        int plane = _h * _w, frameIn = _c * plane, patchPlane = _ph * _pw;
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
                    for (int r = 0; r < _ph; r++)
                        input.Slice(f * frameIn + ch * plane + (y + r) * _w + x, _pw).CopyTo(_windowIn.AsSpan(((j * _c + ch) * _ph + r) * _pw, _pw));
            }
            _inner.InferProbabilities(_windowIn.AsSpan(0, n * _c * patchPlane), n, _windowOut.AsSpan(0, n * _k * patchPlane));
            for (int j = 0; j < n; j++)
            {
                var (f, (y, x)) = Window(first + j);
                for (int k = 0; k < _k; k++)
                {
                    var target = sum.Slice((f * _k + k) * plane, plane);
                    var p = _windowOut.AsSpan((j * _k + k) * patchPlane, patchPlane);
                    for (int r = 0; r < _ph; r++)
                        for (int col = 0; col < _pw; col++)
                            target[(y + r) * _w + x + col] += p[r * _pw + col] * _importance[r * _pw + col];
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
