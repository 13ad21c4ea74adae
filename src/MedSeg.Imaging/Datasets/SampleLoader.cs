using MedSeg.Imaging.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>Loading steps the file layouts share.</summary>
internal static class SampleLoader
{
    /// <summary>Reads the image, then the mask; the image is released if the mask fails.</summary>
    public static LabeledImage Load(string id, string imagePath, Func<Mat> readMask)
    {
        Mat image = ImageIo.Read(imagePath);
        try
        {
            return new LabeledImage(id, image, readMask());
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <summary>Binary masks of the same size united into one (class 1 wherever any is set).</summary>
    public static Mat Union(IReadOnlyList<string> maskPaths)
    {
        Mat union = ImageIo.ReadMask(maskPaths[0]);
        try
        {
            for (int i = 1; i < maskPaths.Count; i++)
            {
                using Mat next = ImageIo.ReadMask(maskPaths[i]);
                if (next.Size() != union.Size())
                {
                    throw new DatasetException(maskPaths[i],
                        $"mask is {next.Width}x{next.Height} but {Path.GetFileName(maskPaths[0])} is {union.Width}x{union.Height}");
                }

                Cv2.BitwiseOr(union, next, union);
            }

            return union;
        }
        catch
        {
            union.Dispose();
            throw;
        }
    }

    /// <summary>Throws when a layout found nothing: an empty data set is always a mistake.</summary>
    public static void ThrowIfEmpty(int count, string root, string lookedFor)
    {
        if (count == 0)
        {
            throw new DatasetException(root, $"empty data set: found no {lookedFor}");
        }
    }

    public static void ThrowIfNoDirectory(string directory, string why)
    {
        if (!Directory.Exists(directory))
        {
            throw new DatasetException(directory, $"folder not found ({why})");
        }
    }

    public static void ThrowIfDuplicateIds(IEnumerable<SampleInfo> samples, string where)
    {
        string? duplicate = samples.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new DatasetException(where, $"two images share the id '{duplicate}' (same stem, different extension?)");
        }
    }

    public static SampleInfo Check(IReadOnlyList<SampleInfo> samples, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, samples.Count);
        return samples[index];
    }
}
