using MedSeg.Core.Inference;
using MedSeg.Core.Recording;

namespace MedSeg.Core.Tests.Recording;

/// <summary>`score` rebuilds a smaller prediction at the reference's size from its probabilities, as `eval` does, not from its labels.</summary>
public sealed class ProbabilityScoringTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    // A 2×1 prediction (P = 0.4, 0.9 → labels 0, 1) of an 8×1 frame whose truth is 0,0,0,1,1,1,1,1.
    // Upsampled ×4 with centres aligned, output x samples source (x + ½)/4 − ½, where P crosses 0.5
    // at 0.2: pixels 3..7 are foreground (Dice 1). Labels resampled by nearest neighbour split 4/4:
    // TP 4, FN 1, Dice 8/9.
    private static readonly byte[] s_truth = [0, 0, 0, 1, 1, 1, 1, 1];

    private string Session(string name, byte[] labels, bool probabilities)
    {
        string path = _dir.File(name);
        var header = SampleSession.Header() with { Width = 8, Height = 1, MaskWidth = 2, MaskHeight = 1 };
        using var w = RecordingWriter.Create(path, header, new RecordingWriterOptions { Probabilities = probabilities, Fsync = FsyncPolicy.None });
        w.Append(new FrameData
        {
            Seq = 0, Width = 8, Height = 1, Pixels = new byte[8], MaskWidth = 2, MaskHeight = 1,
            Labels = labels, Foreground = new[] { 0.4f, 0.9f }, GroundTruth = s_truth, Flags = MedSeg.Core.Frames.FrameFlags.HasGroundTruth,
        });
        return path;
    }

    private static double ForegroundDice(string path)
    {
        using var reader = RecordingReader.Open(path);
        var scorer = SessionScorer.AgainstStoredTruth(reader);
        return Assert.Single(scorer.Frames).Metrics.Classes[0].Dice;
    }

    [Fact]
    public void AgainstStoredTruth_SmallerPredictionWithProbabilities_ResamplesProbabilitiesNotLabels()
    {
        Assert.Equal(1.0, ForegroundDice(Session("p.msgpack", [0, 1], probabilities: true)), 6);
    }

    [Fact]
    public void AgainstStoredTruth_WithoutProbabilities_ResamplesLabelsByNearestNeighbour()
    {
        Assert.Equal(8.0 / 9, ForegroundDice(Session("l.msgpack", [0, 1], probabilities: false)), 6);
    }

    [Fact]
    public void AgainstStoredTruth_LabelsChangedAfterThresholding_KeepsTheLabels()
    {
        // Postprocessing removed the foreground pixel: the probabilities no longer stand for what was shown.
        Assert.Equal(0.0, ForegroundDice(Session("pp.msgpack", [0, 0], probabilities: true)), 6);
    }

    [Fact]
    public void LabelsAt_MatchesTorchBilinearOnAHandMadeCase()
    {
        // Downsampling 4 → 2 (no antialiasing, as torch and OpenCV): output x samples 2x + ½ between source pixels.
        byte[] labels = ProbabilityLabels.LabelsAt([0.1f, 0.2f, 0.8f, 0.9f, 0.9f, 0.8f, 0.2f, 0.1f], 2, 4, 1, 2, 1, 0.5);

        Assert.Equal(new byte[] { 1, 0 }, labels); // P(class 1) at the samples: 0.85 (argmax 1), 0.15 (argmax 0)
    }
}
