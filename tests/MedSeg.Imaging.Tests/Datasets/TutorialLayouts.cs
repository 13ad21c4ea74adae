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
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "Datasets", "tutorial_layouts.py"), kind, folder, $"{count}", $"{size}" })
            start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tutorial_layouts.py {kind}: {err}");
        return folder;
    }
}
