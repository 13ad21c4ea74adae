using MedSeg.Core.Frames;
using OpenCvSharp;

namespace MedSeg.Cli.Reports;

/// <summary><see cref="ClassPalette"/> as OpenCV BGR pixels, for the report images.</summary>
public static class ClassColors
{
    public static Vec3b For(int classId)
    {
        var (r, g, b) = ClassPalette.For(classId);
        return new Vec3b(b, g, r);
    }
}
