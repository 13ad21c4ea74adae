namespace MedSeg.Imaging.Formats.Dicom;

/// <summary>What one DICOM file says about its image, and where its pixels are; read by <see cref="DicomFile.ReadHeader"/>.</summary>
public sealed record DicomImageInfo
{
    public required string Path { get; init; }
    public required DicomTransferSyntax TransferSyntax { get; init; }
    public string Modality { get; init; } = "";
    public string SeriesInstanceUid { get; init; } = "";
    public string StudyInstanceUid { get; init; } = "";

    /// <summary>Patient and General Study attributes a derived object (a DICOM SEG) copies from its source.</summary>
    public static IReadOnlyList<DicomTag> PatientAndStudyTags { get; } =
    [
        new(0x0008, 0x0020), new(0x0008, 0x0030), new(0x0008, 0x0050), new(0x0008, 0x0090), // study date, time, accession, referring physician
        new(0x0010, 0x0010), new(0x0010, 0x0020), new(0x0010, 0x0030), new(0x0010, 0x0040), // patient name, ID, birth date, sex
        new(0x0020, 0x0010),                                                                   // study ID
    ];

    /// <summary>The <see cref="PatientAndStudyTags"/> this file has, as text.</summary>
    public IReadOnlyDictionary<DicomTag, string> PatientAndStudy { get; init; } = new Dictionary<DicomTag, string>();
    public string FrameOfReferenceUid { get; init; } = "";
    public string SopInstanceUid { get; init; } = "";
    public string SopClassUid { get; init; } = "";
    /// <summary>Pixel Spacing: between rows, then between columns (mm); null when absent.</summary>
    public double[]? PixelSpacing { get; init; }
    public double? SliceThickness { get; init; }
    public double? SpacingBetweenSlices { get; init; }
    public int? InstanceNumber { get; init; }
    /// <summary>Image Position (Patient): x, y, z of the first pixel in mm; null when absent.</summary>
    public double[]? Position { get; init; }
    /// <summary>Image Orientation (Patient): row then column direction cosines; null when absent.</summary>
    public double[]? Orientation { get; init; }
    public required int Rows { get; init; }
    public required int Columns { get; init; }
    public int Frames { get; init; } = 1;
    public int SamplesPerPixel { get; init; } = 1;
    public string Photometric { get; init; } = "MONOCHROME2";
    /// <summary>0 = RGBRGB…, 1 = RRR…GGG…BBB… (colour only).</summary>
    public int PlanarConfiguration { get; init; }
    public required int BitsAllocated { get; init; }
    public int BitsStored { get; init; }
    /// <summary>0 = unsigned, 1 = two's complement.</summary>
    public int PixelRepresentation { get; init; }
    public Rescale Rescale { get; init; } = Rescale.Identity;
    public DisplayWindow? Window { get; init; }
    /// <summary>Byte offset of the first pixel in the file.</summary>
    public required long PixelDataOffset { get; init; }
    public required long PixelDataLength { get; init; }

    public SampleType SampleType => (BitsAllocated, PixelRepresentation) switch
    {
        (8, 0) => SampleType.UInt8,
        (8, _) => SampleType.Int8,
        (_, 0) => SampleType.UInt16,
        _ => SampleType.Int16,
    };

    /// <summary>Bytes of one frame as stored.</summary>
    public long FrameBytes => (long)Rows * Columns * SamplesPerPixel * (BitsAllocated / 8);

    /// <summary>Unit normal of the slice plane (row × column cosines), or null without a valid orientation.</summary>
    public double[]? Normal()
    {
        if (Orientation is not { Length: 6 } o) return null;
        double nx = o[1] * o[5] - o[2] * o[4], ny = o[2] * o[3] - o[0] * o[5], nz = o[0] * o[4] - o[1] * o[3];
        double len = Math.Sqrt(nx * nx + ny * ny + nz * nz);
        return len < 1e-6 ? null : [nx / len, ny / len, nz / len];
    }
}
