namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>A transfer syntax UID with its name and whether this reader can decode it.</summary>
/// <remarks>Only uncompressed little-endian syntaxes are decoded: the project ships no codec, and a
/// half-decoded JPEG would be worse than a clear "decompress it first" message.</remarks>
public sealed record DicomTransferSyntax(string Uid, string Name, bool IsSupported, bool ExplicitVr)
{
    public static readonly DicomTransferSyntax ImplicitVrLittleEndian = new("1.2.840.10008.1.2", "Implicit VR Little Endian", true, false);
    public static readonly DicomTransferSyntax ExplicitVrLittleEndian = new("1.2.840.10008.1.2.1", "Explicit VR Little Endian", true, true);

    private static readonly Dictionary<string, string> s_unsupported = new()
    {
        ["1.2.840.10008.1.2.2"] = "Explicit VR Big Endian (retired)",
        ["1.2.840.10008.1.2.1.99"] = "Deflated Explicit VR Little Endian",
        ["1.2.840.10008.1.2.4.50"] = "JPEG Baseline (Process 1)",
        ["1.2.840.10008.1.2.4.51"] = "JPEG Extended (Process 2 & 4)",
        ["1.2.840.10008.1.2.4.57"] = "JPEG Lossless, Non-Hierarchical (Process 14)",
        ["1.2.840.10008.1.2.4.70"] = "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])",
        ["1.2.840.10008.1.2.4.80"] = "JPEG-LS Lossless Image Compression",
        ["1.2.840.10008.1.2.4.81"] = "JPEG-LS Lossy (Near-Lossless) Image Compression",
        ["1.2.840.10008.1.2.4.90"] = "JPEG 2000 Image Compression (Lossless Only)",
        ["1.2.840.10008.1.2.4.91"] = "JPEG 2000 Image Compression",
        ["1.2.840.10008.1.2.4.100"] = "MPEG2 Main Profile / Main Level",
        ["1.2.840.10008.1.2.4.102"] = "MPEG-4 AVC/H.264 High Profile / Level 4.1",
        ["1.2.840.10008.1.2.4.103"] = "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1",
        ["1.2.840.10008.1.2.4.201"] = "High-Throughput JPEG 2000 Image Compression (Lossless Only)",
        ["1.2.840.10008.1.2.4.203"] = "High-Throughput JPEG 2000 Image Compression",
        ["1.2.840.10008.1.2.5"] = "RLE Lossless",
    };

    /// <summary>The syntax for <paramref name="uid"/>; unknown UIDs come back unsupported with the name "unknown transfer syntax".</summary>
    public static DicomTransferSyntax FromUid(string uid)
    {
        if (uid == ImplicitVrLittleEndian.Uid) return ImplicitVrLittleEndian;
        if (uid == ExplicitVrLittleEndian.Uid) return ExplicitVrLittleEndian;
        return new DicomTransferSyntax(uid, s_unsupported.GetValueOrDefault(uid, "unknown transfer syntax"), false, true);
    }

    public override string ToString() => $"{Uid} ({Name})";
}
