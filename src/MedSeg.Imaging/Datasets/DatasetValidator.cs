using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// Loads every sample once (the next ones decoding meanwhile, <see cref="SamplePrefetch"/>) and lists the ones training would choke on, so a user sees all
/// broken files in one run instead of one crash per epoch.
/// </summary>
public static class DatasetValidator
{
    /// <summary>
    /// Checks each sample: it loads (image and mask readable, mask present), image and mask
    /// have the same size, the mask is CV_8UC1, and no class id exceeds the class list.
    /// </summary>
    /// <param name="progress">Receives the number of samples checked so far.</param>
    public static IReadOnlyList<BadSample> Validate(ISegmentationDataset ds, IProgress<int>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ds);
        var bad = new List<BadSample>();
        int classCount = ds.ClassNames.Count;
        foreach (var loaded in SamplePrefetch.Load(ds, Enumerable.Range(0, ds.Count).ToArray(), ct))
        {
            string source = ds.Describe(loaded.Index).Source;
            string? reason = Check(loaded, source, classCount);
            if (reason is not null)
            {
                bad.Add(new BadSample(loaded.Index, source, reason));
            }

            progress?.Report(loaded.Position + 1);
        }

        return bad;
    }

    private static string? Check(PrefetchedSample loaded, string source, int classCount)
    {
        if (loaded.Error is { } e)
        {
            // The failing file may be the mask rather than the image named by Source.
            return e.Path == source ? e.Reason : $"{e.Path}: {e.Reason}";
        }

        using LabeledImage sample = loaded.Sample!;
        return CheckContent(sample.Image, sample.Mask, classCount);
    }

    private static string? CheckContent(Mat image, Mat mask, int classCount)
    {
        if (image.Empty())
        {
            return "image is empty";
        }

        if (mask.Type() != MatType.CV_8UC1)
        {
            return $"mask is {mask.Type()} but must be CV_8UC1 class ids";
        }

        if (image.Size() != mask.Size())
        {
            return $"image {image.Width}x{image.Height} but mask {mask.Width}x{mask.Height}";
        }

        Cv2.MinMaxLoc(mask, out double _, out double maxId);
        if (maxId >= classCount)
        {
            return $"mask has class id {(int)maxId} but the data set has {classCount} classes";
        }

        return null;
    }
}
