using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using MedSeg.Imaging.Tests.Io;
using OpenCvSharp;

namespace MedSeg.Imaging.Tests.Formats;

/// <summary>
/// Writes DICOM files with the real dcmtk tools (Debian package <c>dcmtk</c>): <c>img2dcm</c> makes
/// a Part 10 file from a BMP, <c>dcmodify</c> sets the attributes and swaps in the test's own
/// pixel data, <c>dcmconv</c> / <c>dcmcjpeg</c> change the transfer syntax, and <c>dcmdump</c>
/// gives dcmtk's own reading to compare with.
/// </summary>
internal static partial class Dcmtk
{
    public static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000), $"{tool} hung");
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr} (install Debian's dcmtk)");
        LastOutput = stdout.Result;
    }

    public static string LastOutput { get; private set; } = "";

    /// <summary>A grey Part 10 file of <paramref name="w"/>×<paramref name="h"/> (8-bit from img2dcm), then dcmodify with the given attributes.</summary>
    public static string Write(TempDirectory dir, string name, int w, int h, byte[]? pixels16 = null, params string[] attributes)
    {
        using (var grey = new Mat(h, w, MatType.CV_8UC1))
        {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) grey.Set(y, x, (byte)(x * 7 + y * 13));
            dir.Write(grey, name + ".bmp");
        }
        string file = dir.Combine(name);
        Run("img2dcm", "-i", "BMP", dir.Combine(name + ".bmp"), file);
        var args = new List<string> { "-nb" };
        foreach (var a in attributes) { args.Add("-i"); args.Add(a); }
        if (pixels16 is not null)
        {
            string raw = dir.Combine(name + ".pixels");
            File.WriteAllBytes(raw, pixels16);
            args.AddRange(["-i", "(0028,0100)=16", "-mf", $"PixelData={raw}"]);
        }
        if (args.Count > 1)
        {
            args.Add(file);
            Run("dcmodify", [.. args]);
        }
        return file;
    }

    /// <summary>dcmtk's own copy of the stored pixel bytes (<c>dcmdump +W</c>).</summary>
    public static byte[] DumpPixels(TempDirectory dir, string file)
    {
        string outDir = dir.Combine("dump-" + Path.GetFileName(file));
        Directory.CreateDirectory(outDir);
        Run("dcmdump", "+W", outDir, file);
        return File.ReadAllBytes(Directory.GetFiles(outDir, "*.raw").Single());
    }

    /// <summary>A DS attribute as dcmdump prints it, e.g. Rescale Intercept "(0028,1052) DS [-1024]".</summary>
    public static double DumpDecimal(string file, string tag)
    {
        Run("dcmdump", "+P", tag, file);
        var m = DsValue().Match(LastOutput);
        Assert.True(m.Success, $"dcmdump shows no {tag} in {file}: {LastOutput}");
        return double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public static byte[] LittleEndian(params short[] values)
    {
        var bytes = new byte[values.Length * 2];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    [GeneratedRegex(@"DS \[([-+0-9.eE]+)")]
    private static partial Regex DsValue();
}
