using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Inference;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Final labels per frame: optional temporal smoothing of the foreground probabilities, optional
/// largest component and hole filling; then unbatches, so sinks see single frames in order.
/// </summary>
/// <remarks>
/// Inputs: inferred <see cref="FrameBatch"/>es. Outputs: their frames one by one, stamped
/// <see cref="StageTimes.Postprocessed"/> and sealed read-only (<see cref="Frame.Seal"/>); the emptied batch goes back to its pool.
/// Options: <see cref="PostprocessOptions"/>, plus the engine's output size and class count.
/// Memory: the moving-average plane and the cleanup scratch arrays are made in the constructor.
/// Notes: outside an ultrasound frame's sector labels and probabilities are cleared (<see cref="SectorGate"/>), whether or not the rest is enabled.
/// Every stream has its own average (frames carry their stream id). Smoothing keeps ema = α·p + (1 − α)·ema across consecutive frames (seeded by the first),
/// writes ema back into <see cref="Frame.Foreground"/> and re-thresholds. Binary models get
/// label = ema &gt; threshold. Multi-class models only have P(foreground), so smoothing can turn a
/// pixel to background but never invents a class: label stays the engine's argmax where
/// ema &gt; threshold. The average runs over the frames that reach this stage; dropped frames are skipped.
/// </remarks>
public sealed class PostprocessStage : IPipelineStage<FrameBatch, Frame>
{
    private readonly PostprocessOptions _options;
    private readonly bool _binary;
    private readonly int _width, _height;
    private readonly float[][] _ema;
    private readonly bool[] _seeded;
    private readonly MaskCleanup? _cleanup;
    private readonly SectorGate _sectorGate;
    private readonly float _alpha, _threshold;

    /// <param name="streams">Streams of the session (frame stream ids 0 … streams − 1): each has its own moving average.</param>
    public PostprocessStage(PostprocessOptions options, EngineDescription engine, int streams = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
        _options = options.Validate();
        _binary = engine.ClassNames.Count <= 2;
        (_width, _height) = (engine.Width, engine.Height);
        _ema = [.. Enumerable.Range(0, streams).Select(_ => options.Smoothing ? new float[engine.Width * engine.Height] : [])];
        _seeded = new bool[streams];
        _cleanup = options.LargestComponent || options.FillHoles ? new MaskCleanup(engine.Width, engine.Height) : null;
        _sectorGate = new SectorGate(engine.Width, engine.Height);
        (_alpha, _threshold) = ((float)options.SmoothingAlpha, (float)options.Threshold);
    }

    public Task RunAsync(ChannelReader<FrameBatch> input, ChannelWriter<Frame> output, CancellationToken ct) =>
        StageHost.RunAsync(input, (batch, token) => UnbatchAsync(batch, output, token), error => output.TryComplete(error), ct);

    /// <summary>The stage's step: each frame finished and handed on in order; the emptied batch (and any frame not handed on) released.</summary>
    private async ValueTask UnbatchAsync(FrameBatch batch, ChannelWriter<Frame> output, CancellationToken ct)
    {
        try
        {
            for (int i = 0; i < batch.Count; i++)
            {
                Apply(batch[i]);
                batch[i].Times.Postprocessed = StageTimes.Now();
                // Finished: from here every sink shares it, so nobody may change it any more.
                batch[i].Seal();
                // Taken only once written: if the write throws, the batch still releases it.
                await output.WriteAsync(batch[i], ct).ConfigureAwait(false);
                batch.Take(i);
            }
        }
        finally
        {
            batch.Dispose();
        }
    }

    private void Apply(Frame frame)
    {
        if (frame.OutputWidth != _width || frame.OutputHeight != _height)
            throw new InvalidOperationException($"frame {frame.Info.Seq} has a {frame.OutputWidth}×{frame.OutputHeight} output; expected {_width}×{_height}");
        // Outside an ultrasound fan there is no image: first, so smoothing and cleanup never see it.
        _sectorGate.Apply(frame);
        if (!_options.Enabled) return;
        var labels = frame.Labels;
        int stream = frame.Info.StreamId;
        if ((uint)stream >= (uint)_ema.Length)
            throw new InvalidOperationException($"frame {frame.Info.Seq} is from stream {stream}; this stage serves streams 0–{_ema.Length - 1}");
        if (_options.Smoothing) Smooth(stream, frame.Foreground, labels);
        if (_options.Smoothing) frame.Flags |= FrameFlags.Smoothed;
        if (_options.LargestComponent) _cleanup!.KeepLargestComponent(labels);
        if (_options.FillHoles) _cleanup!.FillHoles(labels);
    }

    private void Smooth(int stream, Span<float> foreground, Span<byte> labels)
    {
        var ema = _ema[stream];
        if (!_seeded[stream])
        {
            foreground.CopyTo(ema);
            _seeded[stream] = true;
        }
        float a = _alpha, b = 1 - _alpha, t = _threshold;
        for (int p = 0; p < ema.Length; p++)
        {
            float e = ema[p] = a * foreground[p] + b * ema[p];
            foreground[p] = e;
            if (_binary) labels[p] = e > t ? (byte)1 : (byte)0;
            else if (e <= t) labels[p] = 0;
        }
    }
}
