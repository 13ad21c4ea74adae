using MedSeg.Imaging.Datasets;
using OpenCvSharp;

namespace MedSeg.Imaging.Io;

/// <summary>
/// Reads images and masks from disk the way every data set layout needs them, and turns
/// OpenCV's silent failures (an empty <see cref="Mat"/>) into a <see cref="DatasetException"/>
/// that names the file and says why.
/// </summary>
public static class ImageIo
{
    /// <summary>
    /// Reads an image at the depth it was stored with (16-bit stays 16-bit). A multi-page TIFF
    /// gives its first page; an alpha channel is dropped (BGRA → BGR, gray+alpha → gray); a
    /// 3-channel image deeper than 8 bits becomes one gray channel, because
    /// <see cref="LabeledImage"/> only allows colour at 8 bits.
    /// </summary>
    public static Mat Read(string path)
    {
        Mat raw = ReadRaw(path);
        Mat image = DropAlpha(raw);
        if (image.Channels() == 3 && image.Depth() != MatType.CV_8U)
        {
            Mat gray = new();
            Cv2.CvtColor(image, gray, ColorConversionCodes.BGR2GRAY);
            image.Dispose();
            image = gray;
        }

        return image;
    }

    /// <summary>
    /// Reads a binary mask: any depth, any channels → CV_8UC1 holding 1 where any colour channel
    /// is nonzero. Alpha is ignored so a transparent-but-black pixel stays background. A JPEG mask
    /// (Kvasir-SEG ships them) counts a pixel as set from 128 up: lossy compression leaves faint
    /// nonzero rings around every edge and specks in the background, which "nonzero" would keep.
    /// </summary>
    public static Mat ReadMask(string path)
    {
        using Mat raw = DropAlpha(ReadRaw(path));
        using Mat nonZero = IsJpeg(path) ? raw.GreaterThanOrEqual(128) : raw.NotEquals(0);
        Mat any = nonZero.Channels() == 1 ? nonZero.Clone() : AnyChannel(nonZero);
        using (any)
        {
            Mat mask = new();
            Cv2.Threshold(any, mask, 0, 1, ThresholdTypes.Binary);
            return mask;
        }
    }

    private static bool IsJpeg(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".jpg" or ".jpeg";

    /// <summary>
    /// Reads a label map whose pixel values are class ids → CV_8UC1 with the same values.
    /// A colour file is accepted only when its channels agree (gray saved as RGB); a real colour
    /// map needs a palette (<see cref="Palette"/>).
    /// </summary>
    public static Mat ReadLabels(string path)
    {
        using Mat raw = DropAlpha(ReadRaw(path));
        Mat single = raw.Channels() == 1 ? raw.Clone() : SameChannelsOrThrow(raw, path);
        using (single)
        {
            Cv2.MinMaxLoc(single, out double min, out double max);
            if (min < 0 || max > 255)
            {
                throw new DatasetException(path, $"label values {min}..{max} do not fit class ids 0..255");
            }

            Mat labels = new();
            single.ConvertTo(labels, MatType.CV_8UC1);
            return labels;
        }
    }

    /// <summary>Reads exactly what is stored (all channels, alpha included, stored depth).</summary>
    public static Mat ReadRaw(string path)
    {
        if (!File.Exists(path))
        {
            throw new DatasetException(path, Directory.Exists(path) ? "is a directory, not an image file" : "file not found");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new DatasetException(path, "file is empty (0 bytes)");
        }

        Mat m;
        try
        {
            // OpenCV checks the header's size against OPENCV_IO_MAX_IMAGE_PIXELS before it allocates.
            OpenCvLimits.EnsureApplied();
            m = Cv2.ImRead(path, ImreadModes.Unchanged);
        }
        catch (OpenCVException e)
        {
            throw new DatasetException(path, $"OpenCV refused it: {e.ErrMsg}");
        }

        if (m.Empty())
        {
            m.Dispose();
            throw new DatasetException(path, "OpenCV could not decode it (corrupt, truncated or not a supported image format)");
        }

        return m;
    }

    /// <summary>Writes a PNG, creating the directory; 16-bit images stay 16-bit.</summary>
    public static void WritePng(string path, Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Empty())
        {
            throw new ArgumentException("cannot write an empty image", nameof(image));
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        if (!Cv2.ImWrite(path, image))
        {
            throw new IOException($"{path}: OpenCV could not write a PNG from a {image.Type()} image");
        }
    }

    // Takes ownership of `m`: returns it untouched, or disposes it and returns the copy.
    private static Mat DropAlpha(Mat m)
    {
        int channels = m.Channels();
        if (channels != 4 && channels != 2)
        {
            return m;
        }

        Mat opaque = new();
        if (channels == 4)
        {
            Cv2.CvtColor(m, opaque, ColorConversionCodes.BGRA2BGR);
        }
        else
        {
            // OpenCV has no GRAYA2GRAY; the gray value is channel 0.
            Cv2.ExtractChannel(m, opaque, 0);
        }

        m.Dispose();
        return opaque;
    }

    private static Mat AnyChannel(Mat perChannel)
    {
        Mat[] channels = Cv2.Split(perChannel);
        try
        {
            Mat any = channels[0].Clone();
            for (int i = 1; i < channels.Length; i++)
            {
                Cv2.BitwiseOr(any, channels[i], any);
            }

            return any;
        }
        finally
        {
            foreach (Mat ch in channels)
            {
                ch.Dispose();
            }
        }
    }

    private static Mat SameChannelsOrThrow(Mat colour, string path)
    {
        Mat[] channels = Cv2.Split(colour);
        try
        {
            for (int i = 1; i < channels.Length; i++)
            {
                using Mat diff = channels[0].NotEquals(channels[i]);
                if (Cv2.CountNonZero(diff) > 0)
                {
                    throw new DatasetException(path, "mask is in colour (channels differ); use the palette layout for colour-coded masks");
                }
            }

            return channels[0].Clone();
        }
        finally
        {
            foreach (Mat ch in channels)
            {
                ch.Dispose();
            }
        }
    }
}
