using System.Diagnostics;

namespace MedSeg.Imaging.Tests.Datasets;

/// <summary>
/// Data sets as tutorials ship them, written by PIL through Debian's /usr/bin/python3
/// (tutorial_layouts.py), so the readers meet files our own writer did not make.
/// </summary>
internal static class TutorialLayouts
{
    /// <summary>Writes <paramref name="kind"/> (membrane, isbi, kvasir) into <paramref name="folder"/>; returns the folder.</summary>
    public static string Write(string kind, string folder, int count = 6, int size = 32)
    {
        Python("tutorial_layouts.py", kind, folder, $"{count}", $"{size}");
        return folder;
    }

    /// <summary>
    /// One 40×32×12 CT twice, from one array: <c>folder/dcm/</c> a DICOM series by pydicom (shuffled
    /// file names, InstanceNumber against position) and <c>folder/ct.nii.gz</c> by nibabel.
    /// </summary>
    public static string WriteCtSeries(string folder)
    {
        Python("ct_series.py", folder);
        return folder;
    }

    private static void Python(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Datasets", script));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{script} {string.Join(' ', args)}: {err}");
    }
}
