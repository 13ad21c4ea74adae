namespace MedSeg.Imaging.Phantoms;

/// <summary>Which kind of synthetic image <see cref="SyntheticImages"/> draws.</summary>
public enum SyntheticTask
{
    /// <summary>Chest X-ray-like: two dark lung fields in a bright body; the label is the lungs.</summary>
    Lungs,
    /// <summary>Ultrasound-like: hypoechoic lesions in a speckled sector; the label is the lesions.</summary>
    Lesion,
    /// <summary>Brain MRI-like slice (FLAIR-ish): one bright irregular lesion; the label is the lesion.</summary>
    Mri,
}
