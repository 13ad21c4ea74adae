using MedSeg.Imaging.Formats.Dicom;
using MedSeg.Imaging.Formats.Nifti;
using MedSeg.Imaging.Formats.Tiff;

namespace MedSeg.Imaging.Formats;

/// <summary>Opens a file or folder as a slice stack by what it is, for readers that take "a volume" from the user.</summary>
public static class SliceStacks
{
    /// <summary>What <see cref="Open"/> accepts, for messages.</summary>
    public const string Accepted = ".nii, .nii.gz, .tif, .tiff or a folder holding one DICOM series";

    /// <summary>True for a file name a stack reader takes (NIfTI or TIFF), whether or not it exists.</summary>
    public static bool IsStackFile(string path) => KindOf(path) is not null;

    /// <summary>Opens <paramref name="path"/>; <paramref name="axis"/> (0 x, 1 y, 2 z) cuts a NIfTI volume, other stacks have only z.</summary>
    /// <exception cref="ArgumentException">Not a kind of stack this reads, or an axis the kind does not have.</exception>
    /// <exception cref="MedicalFormatException">The file cannot be read.</exception>
    public static ISliceStack Open(string path, int axis = 2)
    {
        string kind = Directory.Exists(path) ? "dicom" : KindOf(path)
            ?? throw new ArgumentException($"{path}: not a slice stack; expected {Accepted}", nameof(path));
        // TIFF pages and DICOM files are 2-D images in a row: there is no other axis to cut along.
        if (kind != "nifti" && axis != 2)
            throw new ArgumentException($"{path}: axis {"xyz"[axis]} needs a NIfTI volume; a {kind.ToUpperInvariant()} stack is cut along z only", nameof(axis));
        return kind switch
        {
            "nifti" => NiftiVolume.Open(path, axis),
            "tiff" => TiffStack.Open(path),
            _ => DicomSeries.Open(path),
        };
    }

    private static string? KindOf(string path)
    {
        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".nii", StringComparison.Ordinal) || name.EndsWith(".nii.gz", StringComparison.Ordinal)) return "nifti";
        if (name.EndsWith(".tif", StringComparison.Ordinal) || name.EndsWith(".tiff", StringComparison.Ordinal)) return "tiff";
        return null;
    }
}
