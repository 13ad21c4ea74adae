using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Phantoms;
using MedSeg.Imaging.Ultrasound;

namespace MedSeg.Pipeline.Sources;

/// <summary>
/// A live-like source: an ultrasound / X-ray / MRI-like <see cref="SyntheticSequence"/> at a fixed
/// frame rate, with its exact ground-truth mask attached to every frame.
/// </summary>
/// <remarks>
/// Inputs: none. Outputs: Gray8 frames of Size × Size with <see cref="Frame.GroundTruth"/>.
/// Options: <see cref="SyntheticSourceOptions"/>.
/// Memory: frames come from the pool; the phantom renderer allocates its own Mats per frame
/// (disposed at once), which is the generator's cost, not the pipeline's.
/// Notes: frame k is due at start + k / fps on the Stopwatch clock, like a camera's shutter; a
/// source that falls more than one period behind (machine overloaded) re-anchors instead of
/// bursting to catch up. Like a camera, it never waits for the pipeline: with a DropOldest edge
/// the write always succeeds; under Wait (mode all) it is paced by backpressure instead.
/// </remarks>
public sealed class SyntheticSource : IFrameSource
{
    private static readonly FrameGeometry s_geometry = FrameGeometry.UnknownBecause("unknown: synthetic phantom (no patient geometry)");

    private readonly SyntheticSourceOptions _options;
    private readonly FramePool _pool;
    private readonly SyntheticSequence _sequence;
    private byte[][]? _loopPixels;
    private byte[][]? _loopMasks;
    private readonly ScanConverter? _preScan;
    private readonly FrameGeometry _frameGeometry = s_geometry;
    private readonly int _width, _height;

    public SyntheticSource(SyntheticSourceOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        _sequence = new SyntheticSequence(options.Task, options.Size, options.Seed);
        (_width, _height) = (options.Size, options.Size);
        if (options.PreScan && _sequence.Sector(Math.Max(2, options.Size / 2), options.Size) is { } sector)
        {
            // The phantom is drawn scan-converted; a pre-scan frame is its inverse conversion, as a probe's raw lines would be.
            _preScan = new ScanConverter(sector);
            (_width, _height) = (sector.Lines, sector.Samples);
            _frameGeometry = FrameGeometry.UnknownBecause("unknown: synthetic ultrasound (no patient geometry), pre-scan") with { Sector = sector };
        }
    }

    public (int Width, int Height)? FrameSize => (_width, _height);

    /// <summary>The probe's fan when the frames are pre-scan; null otherwise.</summary>
    public SectorGeometry? Sector => _preScan?.Geometry;

    public string Description =>
        $"synthetic {_options.Task.ToString().ToLowerInvariant()} {_options.Size}×{_options.Size} @ " +
        (_options.Fps > 0 ? $"{_options.Fps:0.##} fps" : "max fps") +
        (_options.Frames > 0 ? $", {_options.Frames} frames" : "") + $", seed {_options.Seed}" +
        (_preScan is null ? "" : $", pre-scan {_width}×{_height} ({_preScan.Geometry})");

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        Prepare(ct);
        var pacer = new FramePacer(_options.Fps);
        for (long seq = 0; _options.Frames == 0 || seq < _options.Frames; seq++)
        {
            ct.ThrowIfCancellationRequested();
            await pacer.WaitAsync(ct).ConfigureAwait(false);
            var frame = Capture(seq, pacer.Start);
            await output.QueueAsync(frame, ct).ConfigureAwait(false);
        }
    }

    private Frame Capture(long seq, long start)
    {
        if (_loopPixels is { } pixels && _loopMasks is { } masks)
        {
            int k = (int)(seq % pixels.Length);
            var looped = Rent(seq, start);
            Fill(looped, pixels[k], masks[k]);
            return looped;
        }
        using var image = _sequence.Frame(seq);
        // A simulated scanner's frame exists once it is drawn: rendering the phantom is the
        // scanner's work, not the pipeline's, so the capture stamp follows it.
        var frame = Rent(seq, start);
        Fill(frame, image.Image.AsSpan<byte>(), image.Mask.AsSpan<byte>());
        return frame;
    }

    private void Fill(Frame frame, ReadOnlySpan<byte> image, ReadOnlySpan<byte> mask)
    {
        if (_preScan is null)
        {
            image.CopyTo(frame.Pixels);
            mask.CopyTo(frame.AttachGroundTruth());
            return;
        }
        _preScan.ToPreScan(image, frame.Pixels);
        _preScan.LabelsToPreScan(mask, frame.AttachGroundTruth());
    }

    private Frame Rent(long seq, long start)
    {
        long captured = StageTimes.Now();
        var timestamp = _options.Fps > 0
            ? TimeSpan.FromSeconds(seq / _options.Fps)
            : TimeSpan.FromSeconds((captured - start) / (double)Stopwatch.Frequency);
        var frame = _pool.Rent(new FrameInfo(seq, timestamp, _width, _height, PixelFormat.Gray8) { Geometry = _frameGeometry });
        frame.Times.Captured = captured;
        return frame;
    }

    /// <summary>The cine loop is rendered (or there is none: <see cref="SyntheticSourceOptions.Loop"/> 0 draws every frame live).</summary>
    public bool IsPrepared => _loopPixels is not null || _options.Loop == 0;

    /// <summary>Renders the cine loop now (idempotent); RunAsync does it otherwise before the first frame.</summary>
    public void Prepare(CancellationToken ct)
    {
        if (IsPrepared) return;
        var pixels = new byte[_options.Loop][];
        var masks = new byte[_options.Loop][];
        for (int k = 0; k < pixels.Length; k++)
        {
            ct.ThrowIfCancellationRequested();
            using var image = _sequence.Frame(k);
            pixels[k] = image.Image.AsSpan<byte>().ToArray();
            masks[k] = image.Mask.AsSpan<byte>().ToArray();
        }
        (_loopPixels, _loopMasks) = (pixels, masks);
    }
}
