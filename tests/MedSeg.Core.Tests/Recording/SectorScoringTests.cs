using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

namespace MedSeg.Core.Tests.Recording;

/// <summary>Nothing outside an ultrasound sector is scored: the region leaves out every outside pixel.</summary>
public sealed class SectorScoringTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly SectorGeometry s_sector = SectorGeometry.Parse("sector:apex=16,-4;radius=6,30;angle=-40,40;out=32x24;pre=16x24");

    [Fact]
    public void StoredTruth_FramesWithASector_AreScoredInsideItOnly()
    {
        var mask = s_sector.Mask();
        int inside = mask.Count(m => m != 0);
        Assert.InRange(inside, 100, mask.Length - 100);
        string path = _dir.File("us.msgpack");
        var rng = new Random(4);
        using (var w = RecordingWriter.Create(path, SampleSession.Header(), new RecordingWriterOptions { Fsync = FsyncPolicy.None }))
        {
            for (int seq = 0; seq < 3; seq++)
            {
                var s = SampleSession.Make(seq);
                var labels = (byte[])s.Truth.Clone();
                // Agree inside; disagree wildly outside, where a prediction means nothing.
                for (int i = 0; i < labels.Length; i++) if (mask[i] == 0) labels[i] = (byte)rng.Next(2);
                var geometry = FrameGeometry.UnknownBecause("synthetic ultrasound") with { Sector = s_sector };
                w.Append(SampleSession.Data(s) with { Labels = labels, Geometry = geometry });
            }
        }
        using var reader = RecordingReader.Open(path);
        var scorer = SessionScorer.AgainstStoredTruth(reader);
        Assert.Equal(3, scorer.Frames.Count);
        foreach (var f in scorer.Frames)
        {
            var c = f.Metrics.Classes[0].Counts;
            Assert.Equal((0L, 0L), (c.FalsePositive, c.FalseNegative));
            Assert.Equal(inside, c.TruePositive + c.TrueNegative);      // only inside pixels are counted at all
            Assert.Equal(1.0, f.Metrics.PixelAccuracy);
        }

        // Without the sector the same frames disagree outside.
        var plain = new SessionScorer(reader.Header.ClassNames);
        var rec = new FrameRecord();
        reader.Rewind();
        Assert.True(reader.ReadNext(rec, FramePlanes.All));
        Assert.True(plain.Add(rec, rec.GroundTruth, rec.Width, rec.Height).Metrics.PixelAccuracy < 1);
    }
}
