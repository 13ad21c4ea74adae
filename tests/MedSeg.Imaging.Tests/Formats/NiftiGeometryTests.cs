using System.Diagnostics;
using System.Globalization;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats.Nifti;

namespace MedSeg.Imaging.Tests.Formats;

/// <summary>
/// NIfTI slice geometry against nibabel: files written by Debian's python3-nibabel with only an
/// sform, or only a qform (a left-handed grid, qfac −1), sliced along each axis; every slice's
/// pixel centres must land where nibabel's affine puts the voxel (in LPS).
/// </summary>
public sealed class NiftiGeometryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-nifti-geo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Script = """
        import sys, numpy as np, nibabel as nib
        c, s = np.cos(0.3), np.sin(0.3)
        A = np.eye(4); A[:3, :3] = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1.0]]) @ np.diag([0.9, 1.1, 2.0]); A[:3, 3] = [-12.5, 30.0, 7.25]
        L = A.copy(); L[:3, 2] *= -1                        # left-handed: qfac -1
        vol = np.arange(5 * 4 * 3, dtype=np.int16).reshape(5, 4, 3)
        for name, aff, form in (("sform", A, "s"), ("qform", L, "q")):
            img = nib.Nifti1Image(vol, None)
            if form == "s": img.set_sform(aff, code=2); img.set_qform(None, code=0)
            else: img.set_qform(aff, code=1); img.set_sform(None, code=0)
            nib.save(img, f"{sys.argv[1]}/{name}.nii")
            back = nib.load(f"{sys.argv[1]}/{name}.nii").affine
            print(name, " ".join(repr(float(v)) for v in back[:3].ravel()))
        """;

    [Theory]
    [InlineData("sform", 0)]
    [InlineData("sform", 1)]
    [InlineData("sform", 2)]
    [InlineData("qform", 0)]
    [InlineData("qform", 1)]
    [InlineData("qform", 2)]
    public void GeometryOf_EverySlicePixel_IsWhereNibabelPutsTheVoxel(string form, int axis)
    {
        var affines = Python();
        var m = affines[form];
        using var v = NiftiVolume.Open(Path.Combine(_dir, form + ".nii"), axis);
        for (int s = 0; s < v.Count; s++)
        {
            var g = v.GeometryOf(s);
            Assert.True(g.IsKnown);
            Assert.Equal((s, v.Count), (g.SliceIndex, g.SliceCount));
            for (int r = 0; r < v.Height; r++)
                for (int c = 0; c < v.Width; c++)
                {
                    double[] ijk = axis switch { 0 => [s, c, r], 1 => [c, s, r], _ => [c, r, s] };
                    var ras = new Vec3(Row(m, 0, ijk), Row(m, 1, ijk), Row(m, 2, ijk));
                    var expected = new Vec3(-ras.X, -ras.Y, ras.Z);
                    Assert.True((g.World(c, r) - expected).Length < 1e-4, $"{form} axis {axis} slice {s} ({c},{r}): {g.World(c, r)} vs {expected}");
                    if (s + 1 < v.Count)
                    {
                        var next = g.World(c, r) + g.SliceSpacing * g.SliceDirection;
                        Assert.True((next - v.GeometryOf(s + 1).World(c, r)).Length < 1e-4);
                    }
                }
        }
    }

    private static double Row(double[] m, int row, double[] ijk) => m[4 * row] * ijk[0] + m[4 * row + 1] * ijk[1] + m[4 * row + 2] * ijk[2] + m[4 * row + 3];

    private Dictionary<string, double[]> Python()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add(_dir);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string errors = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => p.Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray());
    }
}
