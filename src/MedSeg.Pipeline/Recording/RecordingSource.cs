using System.Diagnostics;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Recording;
using MedSeg.Pipeline.Sources;

namespace MedSeg.Pipeline.Recording;

/// <summary>
/// Plays a recorded session back as a frame source: the recorded pixels, ground truth, sequence
/// numbers and timestamps, at the original pace, N× faster, at a fixed rate or as fast as possible.
/// </summary>
/// <remarks>
/// Inputs: none. Outputs: frames of the recorded size and format, ground truth attached when
/// recorded (and wanted). Options: <see cref="RecordingSourceOptions"/>.
/// Memory: one reader (payload buffer) and one <see cref="FrameRecord"/>, reused; frames come from the pool.
/// Notes: the first pass keeps each frame's recorded Seq and Timestamp, so a replay is bit-exact
/// and gaps (frames dropped while recording) show again as gaps. A repeat continues both after the
/// last frame. Pacing works like <see cref="SyntheticSource"/>: a frame is due at start + its
/// offset (recorded offset ÷ speed, or k ÷ fps). At a fixed fps a replay that falls behind
/// re-anchors instead of bursting; at the original pace it keeps to the recorded timeline, so a
/// late frame goes at once. A replay is usually run in
/// PipelineMode.All so that the source edge waits and nothing is skipped. A damaged or truncated
/// session plays up to its last complete frame; <see cref="End"/> says where it ended.
/// </remarks>
public sealed class RecordingSource : IFrameSource
{
    private readonly RecordingSourceOptions _options;
    private readonly FramePool _pool;
    private readonly SessionHeader _header;

    /// <exception cref="RecordingFormatException">the file is not a readable session.</exception>
    public RecordingSource(RecordingSourceOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        using var reader = Open();
        _header = reader.Header;
    }

    /// <summary>Source for a <c>recording:</c> spec (the part after the colon).</summary>
    public static RecordingSource FromSpec(string rest, FramePool pool) => new(RecordingSourceOptions.Parse(rest), pool);

    /// <summary>Where the readable part of the session ended on the last pass (null while playing).</summary>
    public RecordingEnd? End { get; private set; }

    public (int Width, int Height)? FrameSize => _header.Width > 0 && _header.Height > 0 ? (_header.Width, _header.Height) : null;

    /// <summary>The session file replayed.</summary>
    public string Path => _options.Path;

    public string Description =>
        $"recording {System.IO.Path.GetFileName(_options.Path)} ({_header.Source}) {_header.Width}×{_header.Height} @ " + _options.Pacing switch
        {
            ReplayPacing.Original => _options.Speed == 1 ? "original pace" : $"{_options.Speed:0.##}× original pace",
            ReplayPacing.FixedFps => $"{_options.Fps:0.##} fps",
            _ => "max fps",
        } + (_options.Repeat ? ", repeating" : "") + (_options.Frames > 0 ? $", {_options.Frames} frames" : "");

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var reader = Open();
        var record = new FrameRecord();
        var planes = FramePlanes.Image | (_options.GroundTruth ? FramePlanes.GroundTruth : FramePlanes.None);
        // Fixed fps and as-fast-as-possible are the camera-shutter pacer (fps 0 never waits); the original pace follows the recorded offsets from its start.
        var pacer = new FramePacer(_options.Pacing == ReplayPacing.FixedFps ? _options.Fps : 0);
        long played = 0, seqShift = 0;
        TimeSpan tsShift = TimeSpan.Zero, origin = TimeSpan.MinValue;
        while (true)
        {
            reader.Rewind();
            long firstSeq = -1, lastSeq = -1, count = 0;
            TimeSpan firstTs = default, lastTs = default;
            while (reader.ReadNext(record, planes))
            {
                ct.ThrowIfCancellationRequested();
                if (_options.Frames > 0 && played >= _options.Frames) return;
                if (count++ == 0) (firstSeq, firstTs) = (record.Seq, record.Timestamp);
                (lastSeq, lastTs) = (Math.Max(lastSeq, record.Seq), record.Timestamp);
                var timestamp = record.Timestamp + tsShift;
                if (origin == TimeSpan.MinValue) origin = timestamp;
                if (_options.Pacing == ReplayPacing.Original)
                    await FramePacer.DelayUntilAsync(pacer.Start + (long)((timestamp - origin).TotalSeconds / _options.Speed * Stopwatch.Frequency), ct).ConfigureAwait(false);
                else
                    await pacer.WaitAsync(ct).ConfigureAwait(false);
                var frame = Rent(record, record.Seq + seqShift, timestamp);
                await output.QueueAsync(frame, ct).ConfigureAwait(false);
                played++;
            }
            End = reader.End;
            if (!_options.Repeat || count == 0) return;
            // The next pass follows on: seq after the last, time one mean frame period after the last.
            var span = lastTs - firstTs;
            var step = count > 1 ? span / (count - 1) : TimeSpan.FromMilliseconds(40);
            seqShift += lastSeq - firstSeq + 1;
            tsShift += span + step;
        }
    }

    private RecordingReader Open() => RecordingReader.Open(_options.Path, new RecordingReaderOptions { Png = PngImageCodec.Instance });

    private Frame Rent(FrameRecord r, long seq, TimeSpan timestamp)
    {
        long captured = StageTimes.Now();
        var frame = _pool.Rent(new FrameInfo(seq, timestamp, r.Width, r.Height, r.Format) { Geometry = r.Geometry });
        frame.Times.Captured = captured;
        r.Image.AsSpan().CopyTo(frame.Pixels);
        if (_options.GroundTruth && r.HasGroundTruth) r.GroundTruth.AsSpan().CopyTo(frame.AttachGroundTruth());
        return frame;
    }
}
