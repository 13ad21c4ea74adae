using System.Runtime.InteropServices;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Preprocess;
using MedSeg.Imaging.Formats.Tiff;
using OpenCvSharp;

namespace MedSeg.Pipeline.Stages;

/// <summary>
/// Turns a frame's raw pixels into network input with the same <see cref="Preprocessor"/> that
/// training uses, and drops bad frames without stopping the stream.
/// </summary>
/// <remarks>
/// Inputs: frames with raw pixels. Outputs: the same frames with <see cref="Frame.Input"/>
/// (C × H × W floats) written and <see cref="StageTimes.Preprocessed"/> stamped.
/// Options: <see cref="PreprocessStageOptions"/>.
/// Memory: one Preprocessor and one image Mat, made in the constructor and reused for every
/// frame (the pixels are copied into the Mat, which is cheaper than a Mat header per frame).
/// Notes: a frame is bad when its buffer does not match its info, its size differs from the
/// stream's (fixed by the first good frame), its format is unknown or one the preprocessing
/// refuses (e.g. HSV for 16-bit), or float pixels hold NaN / ±Inf. Bad frames are counted and
/// logged in <see cref="BadFrames"/> and released. A gap in Seq flags the next frame
/// <see cref="FrameFlags.DroppedUpstream"/>. Owns native memory: dispose after the run.
/// </remarks>
public sealed class PreprocessStage : IPipelineStage<Frame, Frame>, IDisposable
{
    private readonly Preprocessor _preprocessor;
    private readonly Mat _image = new();
    private readonly int _inputLength;
    private readonly int? _stream;
    private int _streamWidth, _streamHeight;
    private long _lastSeq = -1;

    public PreprocessStage(PreprocessStageOptions options, BadFrameLog? badFrames = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _preprocessor = new Preprocessor(options.Preprocess);
        var p = options.Preprocess;
        _inputLength = p.Channels * p.Height * p.Width;
        _stream = options.Stream;
        BadFrames = badFrames ?? new BadFrameLog();
    }

    public BadFrameLog BadFrames { get; }

    public Task RunAsync(ChannelReader<Frame> input, ChannelWriter<Frame> output, CancellationToken ct) =>
        StageHost.RunAsync(input, output, Compute, ct);

    /// <summary>The stage's step: network input written and stamped, or null (bad frame, recorded; the host releases it).</summary>
    private Frame? Compute(Frame frame)
    {
        if (!Prepare(frame))
        {
            BadFrames.Record(frame);
            return null;
        }
        frame.Times.Preprocessed = StageTimes.Now();
        return frame;
    }

    public void Dispose()
    {
        _preprocessor.Dispose();
        _image.Dispose();
    }

    /// <summary>Writes the network input; false (and the frame marked bad) when the frame cannot be used.</summary>
    private bool Prepare(Frame frame)
    {
        var info = frame.Info;
        if (_stream is { } stream && info.StreamId != stream)
            throw new InvalidOperationException($"frame {info.Seq} of stream {info.StreamId} reached the preprocessing of stream {stream}: give each source its own FramePool(streamId)");
        if (_lastSeq >= 0 && info.Seq > _lastSeq + 1) frame.Flags |= FrameFlags.DroppedUpstream;
        _lastSeq = Math.Max(_lastSeq, info.Seq);

        if ((frame.Flags & FrameFlags.BadInput) != 0) return false; // marked bad upstream (e.g. by scan conversion), with its reason
        if (!info.Format.IsDefined()) return Bad(frame, FrameDropReason.UnsupportedFormat, $"unknown pixel format {(int)info.Format}");
        if (frame.Pixels.Length != info.PixelBytes)
            return Bad(frame, FrameDropReason.BadBuffer, $"{frame.Pixels.Length} pixel bytes for {info.Width}×{info.Height} {info.Format}");
        if (_streamWidth != 0 && (info.Width != _streamWidth || info.Height != _streamHeight))
            return Bad(frame, FrameDropReason.WrongSize, $"{info.Width}×{info.Height} in a {_streamWidth}×{_streamHeight} stream");
        if (info.Format == PixelFormat.Float32 && !AllFinite(MemoryMarshal.Cast<byte, float>(frame.Pixels)))
            return Bad(frame, FrameDropReason.NonFinite, "NaN or infinite pixel values");

        _image.Create(info.Height, info.Width, MatPixels.TypeOf(info.Format));
        frame.Pixels.CopyTo(_image.AsSpan<byte>());
        try
        {
            _preprocessor.Image(_image, frame.AllocateInput(_inputLength));
        }
        catch (ArgumentException e)
        {
            // The preprocessor's refusals (e.g. HSV for a 16-bit image) are properties of the frame, not faults.
            return Bad(frame, FrameDropReason.UnsupportedFormat, e.Message);
        }
        (_streamWidth, _streamHeight) = (info.Width, info.Height);
        return true;
    }

    private static bool Bad(Frame frame, FrameDropReason reason, string detail)
    {
        frame.MarkBad(reason, detail);
        return false;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }
}
