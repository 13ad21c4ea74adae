namespace MedSeg.Imaging.Export;

/// <summary>sRGB → CIELab (D65), scaled as DICOM's Recommended Display CIELab Value stores it (PS3.3 C.10.7.1.1).</summary>
public static class CieLab
{
    /// <summary>L* 0..100 → 0..65535; a*, b* −128..127 → 0..65535.</summary>
    public static ushort[] DicomScaled(byte r, byte g, byte b)
    {
        var (l, a, bb) = FromSrgb(r, g, b);
        return [Scale(l / 100), Scale((a + 128) / 255), Scale((bb + 128) / 255)];
    }

    public static (double L, double A, double B) FromSrgb(byte r, byte g, byte b)
    {
        double R = Linear(r / 255.0), G = Linear(g / 255.0), B = Linear(b / 255.0);
        double x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
        double y = 0.2126729 * R + 0.7151522 * G + 0.0721750 * B;
        double z = (0.0193339 * R + 0.1191920 * G + 0.9503041 * B) / 1.08883;
        double fx = F(x), fy = F(y), fz = F(z);
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz));
    }

    private static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);

    private static double F(double t) => t > 216.0 / 24389 ? Math.Cbrt(t) : (24389.0 / 27 * t + 16) / 116;

    private static ushort Scale(double unit) => (ushort)Math.Round(Math.Clamp(unit, 0, 1) * 65535);
}
