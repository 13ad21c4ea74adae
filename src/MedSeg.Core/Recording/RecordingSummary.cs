using MedSeg.Core.Frames;

namespace MedSeg.Core.Recording;

/// <summary>What `medseg info` shows: the header, and counts and sizes from one scan of every record (nothing decoded).</summary>
/// <param name="FramesAfterGap">frames flagged DroppedUpstream.</param>
/// <param name="MissingSeq">sequence numbers missing between the first and last frame (frames dropped before recording).</param>
/// <param name="End">where and why the readable data ends (truncated-at offset for a killed writer).</param>
public sealed record RecordingSummary(
    string Path, long FileBytes, SessionHeader Header, bool HasFooter, long Frames, long FirstSeq, long LastSeq,
    TimeSpan FirstTimestamp, TimeSpan LastTimestamp, long FramesAfterGap, long MissingSeq,
    long FramesWithLabels, long FramesWithProbabilities, long FramesWithGroundTruth,
    long RecordBytes, long ImageBytes, long LabelBytes, long ProbabilityBytes, long GroundTruthBytes, RecordingEnd End)
{
    public TimeSpan Duration => Frames > 0 ? LastTimestamp - FirstTimestamp : TimeSpan.Zero;

    /// <summary>Mean frame rate over the stream's own timestamps; 0 with fewer than two frames.</summary>
    public double Fps => FrameRate(Frames, FirstTimestamp, LastTimestamp);

    /// <summary>Mean rate of <paramref name="frames"/> frames stamped from <paramref name="first"/> to <paramref name="last"/>; 0 with fewer than two.</summary>
    public static double FrameRate(long frames, TimeSpan first, TimeSpan last) =>
        frames > 1 && last > first ? (frames - 1) / (last - first).TotalSeconds : 0;

    public double BytesPerFrame => Frames > 0 ? (double)RecordBytes / Frames : 0;

    /// <summary>The preamble's format version (1 files carry no geometry).</summary>
    public uint FormatVersion { get; init; }

    /// <summary>Frames whose record carries geometry (<c>geo</c>).</summary>
    public long FramesWithGeometry { get; init; }

    /// <summary>The first frame's geometry (unknown when no frame has any).</summary>
    public FrameGeometry FirstGeometry { get; init; } = FrameGeometry.Unknown;

    /// <summary>Distinct volumes (series / files) the frames are slices of.</summary>
    public int Volumes { get; init; }

    /// <summary>Scans a whole session file.</summary>
    /// <exception cref="RecordingFormatException">the file is not a readable session.</exception>
    public static RecordingSummary Scan(string path, RecordingReaderOptions? options = null)
    {
        using var reader = RecordingReader.Open(path, options);
        var f = new FrameRecord();
        var seqs = new SequenceStats();
        long labels = 0, prob = 0, truth = 0, geo = 0;
        var first = FrameGeometry.Unknown;
        var volumes = new HashSet<string>(StringComparer.Ordinal);
        long recordBytes = 0, imageBytes = 0, labelBytes = 0, probBytes = 0, truthBytes = 0;
        while (reader.ReadNext(f, FramePlanes.None))
        {
            seqs.Add(f.Seq, f.Timestamp, f.Flags);
            if (f.HasLabels) labels++;
            if (f.HasProbabilities) prob++;
            if (f.HasGroundTruth) truth++;
            if (f.Geometry.IsKnown)
            {
                if (geo++ == 0) first = f.Geometry;
                if (volumes.Count < 4096) volumes.Add(f.Geometry.VolumeId);
            }
            recordBytes += f.RecordBytes;
            imageBytes += f.ImageBytes;
            labelBytes += f.LabelBytes;
            probBytes += f.ProbabilityBytes;
            truthBytes += f.GroundTruthBytes;
        }
        return new RecordingSummary(path, reader.FileLength, reader.Header, reader.Footer is not null, seqs.Frames, seqs.FirstSeq, seqs.LastSeq,
            seqs.FirstTimestamp, seqs.LastTimestamp, seqs.FramesAfterGap, seqs.MissingSeq, labels, prob, truth, recordBytes, imageBytes, labelBytes, probBytes, truthBytes, reader.End!)
        {
            FormatVersion = reader.FormatVersion, FramesWithGeometry = geo, FirstGeometry = first, Volumes = volumes.Count,
        };
    }
}
