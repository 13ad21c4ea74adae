using OpenCvSharp;

namespace MedSeg.Cli.Reports;

/// <summary>Display colours per class id (BGR); background is transparent.</summary>
public static class ClassColors
{
    private static readonly Vec3b[] s_colors =
    [
        new(0, 0, 0), new(60, 220, 60), new(40, 80, 240), new(240, 160, 30), new(200, 60, 200),
        new(30, 220, 220), new(220, 220, 40), new(120, 120, 255), new(255, 120, 120), new(160, 255, 160),
    ];

    public static Vec3b For(int classId) => s_colors[classId % s_colors.Length];
}
