using System.Diagnostics;
using MedSeg.Rendering.Shaders;

namespace MedSeg.Cli.Tests;

/// <summary>
/// A broken shader stops a rendering command with the file, the driver's log and exit code 2, not a
/// crash. Runs the real medseg program as a child process: the shader folder comes from the
/// environment, which must not leak into tests running beside this one.
/// </summary>
public sealed class ShaderErrorExitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-shader-exit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Video_WithABrokenOverlayShader_ExitsTwoNamingTheFileAndTheDriverLog()
    {
        string shaders = Path.Combine(_dir, "shaders");
        Directory.CreateDirectory(shaders);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "shaders")))
            File.Copy(file, Path.Combine(shaders, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(shaders, "overlay_filled.frag"), "void main() { o_color = vec4(no_such_colour, 1.0); }\n");
        string session = Path.Combine(Recording.ChildBuild.RepoRoot(), "recordings", "sample-lesion.msgpack");

        var (code, output) = await RunMedsegAsync(shaders, "video", session, "--out", Path.Combine(_dir, "out.mp4"));

        Assert.True(code == 2, $"exit {code}\n{output}");
        Assert.Contains("overlay_filled.frag", output);
        Assert.Contains("no_such_colour", output);       // Mesa's log names the undeclared identifier
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.False(File.Exists(Path.Combine(_dir, "out.mp4")));
    }

    private static async Task<(int Code, string Output)> RunMedsegAsync(string shaderDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "medseg.dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment[ShaderProgram.DirectoryVariable] = shaderDirectory;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A hang guard, not a speed limit.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
