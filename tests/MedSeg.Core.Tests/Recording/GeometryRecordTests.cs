using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

namespace MedSeg.Core.Tests.Recording;

/// <summary>Format version 2: the frame record's <c>geo</c> map, and version 1 files still read.</summary>
public sealed class GeometryRecordTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static FrameGeometry Slice(int k) => new()
    {
        IsKnown = true, Note = "DICOM", ColumnSpacing = 0.7, RowSpacing = 0.8, SliceSpacing = 2.5,
        Origin = new Vec3(-120.5, -99.25, 30 + 2.5 * k), RowDirection = new Vec3(1, 0, 0), ColumnDirection = new Vec3(0, 0.6, -0.8),
        SliceDirection = new Vec3(0, 0.8, 0.6), VolumeId = "1.2.3.4", SliceIndex = k, SliceCount = 3,
        StudyInstanceUid = "1.2.3", SeriesInstanceUid = "1.2.3.4", FrameOfReferenceUid = "1.2.3.9", SopInstanceUid = $"1.2.3.4.{k}", SopClassUid = "1.2.840.10008.5.1.4.1.1.2",
    };

    [Fact]
    public void WriteRead_Geometry_RoundTripsExactly_AndUnknownStaysUnknown()
    {
        string path = _dir.File("g.msgpack");
        var sector = SectorGeometry.Parse("sector:apex=64,-20;radius=20,140;angle=-35,35;out=128x128;pre=64x96");
        var pose = new TrackedPose("ProbeToTracker", [0, -1, 0, 11.5, 1, 0, 0, -2.25, 0, 0, 1, 100]) { Timestamp = TimeSpan.FromMilliseconds(80) };
        var geometries = new[] { Slice(0), null, Slice(2) with { Sector = sector }, FrameGeometry.UnknownBecause("tracked ultrasound") with { Sector = sector, Pose = pose } };
        using (var writer = RecordingWriter.Create(path, SampleSession.Header(), new RecordingWriterOptions { Fsync = FsyncPolicy.None }))
        {
            for (int i = 0; i < geometries.Length; i++)
            {
                var s = SampleSession.Make(i);
                writer.Append(SampleSession.Data(s) with { Geometry = geometries[i] });
            }
        }
        using var reader = RecordingReader.Open(path);
        Assert.Equal(2u, reader.FormatVersion);
        var f = new FrameRecord();
        for (int i = 0; i < geometries.Length; i++)
        {
            Assert.True(reader.ReadNext(f, FramePlanes.None));
            if (geometries[i] is { } g) Assert.Equal(g, f.Geometry);   // sector and pose included
            else Assert.False(f.Geometry.IsKnown);
        }
        var summary = RecordingSummary.Scan(path);
        Assert.Equal((2L, 1), (summary.FramesWithGeometry, summary.Volumes));
        Assert.Equal(Slice(0), summary.FirstGeometry);
    }

    [Fact]
    public void Version1File_StillReads_WithUnknownGeometry()
    {
        string sample = Path.Combine(RepoRoot(), "recordings", "sample-lesion.msgpack");
        using var reader = RecordingReader.Open(sample);
        Assert.Equal(1u, reader.FormatVersion);
        var f = new FrameRecord();
        int frames = 0;
        while (reader.ReadNext(f, FramePlanes.All))
        {
            Assert.False(f.Geometry.IsKnown);
            frames++;
        }
        Assert.True(frames > 0);
        Assert.True(reader.End!.Clean);
    }

    [Fact]
    public void Geometry_WithZeroSpacing_IsCorrupt_AndEarlierFramesSurvive()
    {
        string path = _dir.File("bad.msgpack");
        using (var writer = RecordingWriter.Create(path, SampleSession.Header(), new RecordingWriterOptions { Fsync = FsyncPolicy.None }))
        {
            writer.Append(SampleSession.Data(SampleSession.Make(0)) with { Geometry = Slice(0) });
            writer.Append(SampleSession.Data(SampleSession.Make(1)) with { Geometry = Slice(1) with { ColumnSpacing = 0 } });
        }
        using var reader = RecordingReader.Open(path);
        var f = new FrameRecord();
        Assert.True(reader.ReadNext(f, FramePlanes.None));
        Assert.False(reader.ReadNext(f, FramePlanes.None));
        Assert.Equal(RecordingEndKind.Corrupt, reader.End!.Kind);
        Assert.Contains("geo.spacing", reader.End.Message);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedSeg.Realtime.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
