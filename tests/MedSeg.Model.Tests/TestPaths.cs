namespace MedSeg.Model.Tests;

internal static class TestPaths
{
    /// <summary>The checkout the tests were built from (where MedSeg.Realtime.sln is).</summary>
    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MedSeg.Realtime.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("MedSeg.Realtime.sln not found above " + AppContext.BaseDirectory);
    }
}
