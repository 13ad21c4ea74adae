using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Ultrasound;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Pipeline.Stages.ScanConversion;

/// <summary>
/// Scan-converts ultrasound frames (pre-scan → Cartesian) or inverts the conversion, ground truth
/// with them (nearest, so class ids survive).
/// </summary>
/// <remarks>
/// Inputs: Gray8 frames of the sector's pre-scan size (ToScan) or Cartesian size (ToPreScan).
/// Outputs: new frames of the other size from the same pool, with the input's seq, timestamp,
/// stamps and flags, and a geometry whose <see cref="FrameGeometry.Sector"/> names the fan, so the
/// overlay, the recorder and `score` know where the image is (outside the fan nothing is scored).
/// Options: <see cref="ScanConversionStageOptions"/>.
/// Memory: one <see cref="ScanConverter"/> (lookup tables) per distinct sector, built when first
/// seen and kept; output frames are pooled. A frame that is not Gray8, has no sector, or whose size
/// does not fit is passed on unconverted and marked bad (the preprocess stage drops and counts it).
/// </remarks>
public sealed class ScanConversionStage : IPipelineStage<Frame, Frame>
{
    private readonly ScanConversionStageOptions _options;
    private readonly FramePool _pool;
    private ScanConverter? _converter;

    public ScanConversionStage(ScanConversionStageOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        if (options.Sector is { } sector) _converter = new ScanConverter(sector);
    }

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return StageHost.RunAsync(input, (frame, token) => ConvertAndQueueAsync(frame, output, token), error => output.TryComplete(error), ct);
    }

    /// <summary>The stage's step: the input is released once copied; the copy is queued (QueueAsync releases it if the write fails).</summary>
    private ValueTask ConvertAndQueueAsync(Frame frame, ChannelWriter<Frame> output, CancellationToken ct)
    {
        Frame result;
        try
        {
            result = Convert(frame);
        }
        finally
        {
            frame.Dispose();
        }
        return output.QueueAsync(result, ct);
    }

    /// <summary>The converted copy of <paramref name="frame"/> (the caller still owns and releases <paramref name="frame"/>).</summary>
    public Frame Convert(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var info = frame.Info;
        var sector = _options.Sector ?? info.Geometry.Sector;
        bool toScan = _options.Direction == ScanConversionDirection.ToScan;
        var reason = sector is null || info.Format == PixelFormat.Gray8 ? FrameDropReason.WrongSize : FrameDropReason.UnsupportedFormat;
        string? problem = sector is null ? "no ultrasound sector in the frame's geometry"
            : info.Format != PixelFormat.Gray8 ? $"scan conversion takes gray8 frames, not {info.Format}"
            : toScan ? (info.Width, info.Height) != (sector.Lines, sector.Samples) ? $"a {info.Width}×{info.Height} frame is not the sector's {sector.Lines}×{sector.Samples} pre-scan" : null
            : (info.Width, info.Height) != (sector.Width, sector.Height) ? $"a {info.Width}×{info.Height} frame is not the sector's {sector.Width}×{sector.Height} image" : null;
        if (problem is not null) return Copy(frame, info, reason, problem);
        if (_converter is null || _converter.Geometry != sector) _converter = new ScanConverter(sector!);
        var c = _converter;
        var (w, h) = toScan ? (sector!.Width, sector.Height) : (sector!.Lines, sector.Samples);
        var outFrame = _pool.Rent(info with { Width = w, Height = h, Geometry = info.Geometry with { Sector = sector } });
        outFrame.Times = frame.Times;
        outFrame.Flags = frame.Flags & ~FrameFlags.HasGroundTruth;
        if (toScan) c.ToScan(frame.Pixels, outFrame.Pixels);
        else c.ToPreScan(frame.Pixels, outFrame.Pixels);
        if (frame.HasGroundTruth)
        {
            if (toScan) c.LabelsToScan(frame.GroundTruth, outFrame.AttachGroundTruth());
            else c.LabelsToPreScan(frame.GroundTruth, outFrame.AttachGroundTruth());
        }
        return outFrame;
    }

    private Frame Copy(Frame frame, FrameInfo info, FrameDropReason reason, string problem)
    {
        var copy = _pool.Rent(info);
        copy.Times = frame.Times;
        copy.Flags = frame.Flags & ~FrameFlags.HasGroundTruth;
        frame.Pixels.CopyTo(copy.Pixels);
        if (frame.HasGroundTruth) frame.GroundTruth.CopyTo(copy.AttachGroundTruth());
        copy.MarkBad(reason, problem);
        return copy;
    }
}
