namespace MedSeg.Core.Frames;

public static class PixelFormatExtensions
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Gray8 => 1,
        PixelFormat.Gray16 or PixelFormat.Int16 => 2,
        PixelFormat.Bgr24 => 3,
        PixelFormat.Float32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    public static bool IsDefined(this PixelFormat format) => format is >= PixelFormat.Gray8 and <= PixelFormat.Float32;
}
