namespace MedSeg.Core.Frames;

/// <summary>Layout of a frame's raw pixels (interleaved, rows packed without padding).</summary>
public enum PixelFormat
{
    /// <summary>8-bit grey (ultrasound, fluoroscopy video).</summary>
    Gray8,
    /// <summary>16-bit unsigned grey (X-ray detectors, MRI).</summary>
    Gray16,
    /// <summary>16-bit signed grey (CT in Hounsfield units).</summary>
    Int16,
    /// <summary>8-bit BGR, OpenCV's channel order.</summary>
    Bgr24,
    /// <summary>32-bit float grey.</summary>
    Float32,
}
