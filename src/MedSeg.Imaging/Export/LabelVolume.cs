using MedSeg.Core.Frames;
using MedSeg.Core.Recording;

namespace MedSeg.Imaging.Export;

/// <summary>
/// The class-id masks of one recorded volume (series) stacked in slice order at the frames' own
/// size, with the geometry of each slice: what a NIfTI label volume or a DICOM SEG is written from.
/// </summary>
/// <remarks>
/// Layout: <see cref="Labels"/> is slice-major, then row, then column (NIfTI x fastest =
/// columns, y = rows, z = slices). Predictions at the model's size are resampled to the frame
/// with <see cref="MaskResize.NearestExact"/>, the one rule `score` and `export` share
/// (recordings/FORMAT.md). A slice recorded more than once keeps its last recording; slices
/// never recorded are left background and listed in <see cref="MissingSlices"/>.
/// </remarks>
public sealed class LabelVolume
{
    private LabelVolume(int width, int height, FrameGeometry[] slices, byte[] labels, byte[]? probabilities, IReadOnlyList<int> missing)
    {
        (Width, Height, Slices, Labels, Probabilities, MissingSlices) = (width, height, slices, labels, probabilities, missing);
    }

    public int Width { get; }
    public int Height { get; }
    public int Depth => Slices.Count;

    /// <summary>Geometry per slice index (a missing slice gets its position extrapolated from slice 0).</summary>
    public IReadOnlyList<FrameGeometry> Slices { get; }

    public byte[] Labels { get; }

    /// <summary>Recorded 8-bit foreground probabilities (1 − p(background)) in the same layout; null unless every recorded slice had them.</summary>
    public byte[]? Probabilities { get; }

    public IReadOnlyList<int> MissingSlices { get; }

    public FrameGeometry First => Slices[0];

    public ReadOnlySpan<byte> Slice(int k) => Labels.AsSpan(k * Width * Height, Width * Height);

    /// <summary>Largest distance (mm) of a slice's recorded origin from the straight line a NIfTI affine assumes.</summary>
    public double MaxOriginDeviation()
    {
        double worst = 0;
        for (int k = 0; k < Depth; k++)
        {
            var expected = First.Origin + (k * First.SliceSpacing) * First.SliceDirection;
            worst = Math.Max(worst, (Slices[k].Origin - expected).Length);
        }
        return worst;
    }

    /// <summary>Every volume of a session, in order of first appearance.</summary>
    /// <exception cref="InvalidDataException">No frame has both geometry and the chosen masks.</exception>
    public static IReadOnlyList<LabelVolume> FromRecording(RecordingReader reader, bool predictions)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var volumes = new List<string>();
        var byVolume = new Dictionary<string, (FrameGeometry[] Slices, byte[] Labels, byte[] Prob, int W, int H)>(StringComparer.Ordinal);
        bool allProbabilities = predictions;
        var f = new FrameRecord();
        int withoutGeometry = 0, withoutMask = 0;
        reader.Rewind();
        while (reader.ReadNext(f, predictions ? FramePlanes.Labels | FramePlanes.Probabilities : FramePlanes.GroundTruth))
        {
            if (!f.Geometry.IsKnown || f.Geometry.SliceIndex < 0 || f.Geometry.SliceCount < 1) { withoutGeometry++; continue; }
            if (predictions ? !f.HasLabels : !f.HasGroundTruth) { withoutMask++; continue; }
            var g = f.Geometry;
            if (!byVolume.TryGetValue(g.VolumeId, out var v))
            {
                int voxels = checked(f.Width * f.Height * g.SliceCount);
                v = (new FrameGeometry[g.SliceCount], new byte[voxels], predictions ? new byte[voxels] : [], f.Width, f.Height);
                byVolume[g.VolumeId] = v;
                volumes.Add(g.VolumeId);
            }
            if (g.SliceIndex >= v.Slices.Length || f.Width != v.W || f.Height != v.H)
                throw new InvalidDataException($"frame {f.Seq}: slice {g.SliceIndex} of {g.VolumeId} does not fit the volume ({v.W}×{v.H}×{v.Slices.Length})");
            v.Slices[g.SliceIndex] = g;
            var target = v.Labels.AsSpan(g.SliceIndex * v.W * v.H, v.W * v.H);
            if (predictions)
            {
                MaskResize.NearestExact(f.Labels, f.MaskWidth, f.MaskHeight, target, f.Width, f.Height);
                if (f.HasProbabilities) MaskResize.NearestExact(f.Probabilities, f.MaskWidth, f.MaskHeight, v.Prob.AsSpan(g.SliceIndex * v.W * v.H, v.W * v.H), f.Width, f.Height);
                else allProbabilities = false;
            }
            else f.GroundTruth.AsSpan().CopyTo(target);
        }
        if (volumes.Count == 0)
            throw new InvalidDataException(withoutGeometry > 0 && withoutMask == 0
                ? $"no frame carries patient geometry ({withoutGeometry} frame(s) without): record from a DICOM series or a NIfTI volume, or export --format png"
                : $"no frame has both geometry and {(predictions ? "a prediction" : "ground truth")} ({withoutGeometry} without geometry, {withoutMask} without the mask)");
        var result = new List<LabelVolume>();
        foreach (string id in volumes)
        {
            var (slices, labels, prob, w, h) = byVolume[id];
            var anchor = slices.First(s => s is not null);
            var missing = new List<int>();
            for (int k = 0; k < slices.Length; k++)
            {
                if (slices[k] is not null) continue;
                missing.Add(k);
                slices[k] = anchor with { SliceIndex = k, Origin = anchor.Origin + ((k - anchor.SliceIndex) * anchor.SliceSpacing) * anchor.SliceDirection, SopInstanceUid = "" };
            }
            result.Add(new LabelVolume(w, h, slices, labels, allProbabilities ? prob : null, missing));
        }
        return result;
    }
}
