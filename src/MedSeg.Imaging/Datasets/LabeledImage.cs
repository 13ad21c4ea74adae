using OpenCvSharp;

namespace MedSeg.Imaging.Datasets;

/// <summary>
/// One image and its label map, as read from disk (or generated), before any preprocessing.
/// </summary>
/// <remarks>
/// <see cref="Image"/> keeps the depth it was stored with: CV_8UC1 / CV_8UC3 (BGR), CV_16UC1,
/// CV_16SC1 (CT in Hounsfield units) or CV_32FC1. Nothing is squeezed to 8 bits here; that is
/// the preprocessor's decision. <see cref="Mask"/> is CV_8UC1 holding class ids (0 = background).
/// </remarks>
public sealed class LabeledImage : IDisposable
{
    public LabeledImage(string id, Mat image, Mat mask)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(mask);
        Id = id;
        Image = image;
        Mask = mask;
    }

    public string Id { get; }
    public Mat Image { get; }
    public Mat Mask { get; }

    public void Dispose()
    {
        Image.Dispose();
        Mask.Dispose();
    }
}
