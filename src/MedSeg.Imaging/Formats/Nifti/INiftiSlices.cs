namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>The stored bytes of one slice of a NIfTI volume, before decoding: from memory, the file, or a gzip stream.</summary>
internal interface INiftiSlices : IDisposable
{
    /// <summary>Writes slice <paramref name="index"/>'s stored samples, rows packed, into <paramref name="raw"/>.</summary>
    /// <exception cref="MedicalFormatException">The file cannot give them (truncated, corrupt); names the file and why.</exception>
    void ReadRaw(int index, Span<byte> raw);
}
