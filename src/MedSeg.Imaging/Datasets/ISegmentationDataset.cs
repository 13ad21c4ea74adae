namespace MedSeg.Imaging.Datasets;

/// <summary>An indexed collection of image / label-map pairs.</summary>
public interface ISegmentationDataset
{
    /// <summary>Human-readable name, e.g. "synthetic:lesion" or "lgg:/data/kaggle_3m".</summary>
    string Name { get; }

    /// <summary>Class names indexed by class id; [0] is always "background".</summary>
    IReadOnlyList<string> ClassNames { get; }

    int Count { get; }

    /// <summary>What the reader assumed while opening the set (e.g. how classes.txt matched the masks); train and eval print them.</summary>
    IReadOnlyList<string> Notes => [];

    /// <summary>In-plane pixel spacing in mm when the source states it (NIfTI, DICOM), else null; the fingerprint reports it.</summary>
    double? Spacing => null;

    /// <summary>
    /// True when <see cref="Load"/> may run on several threads at once (each sample its own files,
    /// no shared reader); passes over the set then decode on every core (<see cref="SamplePrefetch"/>).
    /// </summary>
    bool ConcurrentLoads => false;

    SampleInfo Describe(int index);

    /// <summary>Loads one sample. Throws <see cref="DatasetException"/> naming the file and the reason.</summary>
    LabeledImage Load(int index);
}
