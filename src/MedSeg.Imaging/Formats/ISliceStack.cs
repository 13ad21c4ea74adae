using MedSeg.Core.Frames;

namespace MedSeg.Imaging.Formats;

/// <summary>
/// An ordered stack of same-sized 2-D slices (a DICOM series, a NIfTI volume cut along one axis,
/// a TIFF stack, a folder of images) that a replay source plays frame by frame.
/// </summary>
/// <remarks>
/// Width, Height and Format are fixed when the stack is opened, so every slice fits the same
/// pooled frame. Items that could not be used at open time are in <see cref="Skipped"/>; a slice
/// that turns out bad later makes <see cref="Read"/> throw <see cref="MedicalFormatException"/>
/// and the caller decides (a replay source skips it and counts it). Not thread-safe.
/// </remarks>
public interface ISliceStack : IDisposable
{
    /// <summary>One line for logs, e.g. "DICOM CT 512×512×120 Int16 (HU)".</summary>
    string Description { get; }

    int Count { get; }

    int Width { get; }

    int Height { get; }

    PixelFormat Format { get; }

    /// <summary>The file's default display window in output units, when it states one.</summary>
    DisplayWindow? Window { get; }

    IReadOnlyList<SkippedItem> Skipped { get; }

    /// <summary>What slice <paramref name="index"/> is, for error messages ("ct/IM12.dcm", "vol.nii z=40").</summary>
    string NameOf(int index);

    /// <summary>Writes slice <paramref name="index"/> into <paramref name="destination"/> (Width × Height × bytes per pixel, rows packed).</summary>
    /// <exception cref="MedicalFormatException">The slice cannot be read; the message names it and says why.</exception>
    void Read(int index, Span<byte> destination);

    /// <summary>Where slice <paramref name="index"/> lies in the patient; unknown (saying so) for stacks without geometry.</summary>
    FrameGeometry GeometryOf(int index) => FrameGeometry.Unknown;
}
