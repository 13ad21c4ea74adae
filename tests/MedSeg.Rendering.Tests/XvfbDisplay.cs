using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Tests;

/// <summary>
/// A private Xvfb server on a free display number, with DISPLAY pointing at it for native code in
/// this process (GLFW reads it with getenv, which .NET's Environment does not change).
/// </summary>
/// <remarks>Dispose stops the server and restores DISPLAY. Tests using it must not run in parallel with others
/// (setenv is not thread-safe against getenv in native libraries).</remarks>
public sealed class XvfbDisplay : IDisposable
{
    private readonly Process _server;
    private readonly string? _previous;

    private XvfbDisplay(Process server, int number, string? previous) => (_server, Number, _previous) = (server, number, previous);

    public int Number { get; }

    public static XvfbDisplay Start()
    {
        const string xvfb = "/usr/bin/Xvfb";
        Assert.True(File.Exists(xvfb), "Xvfb is not installed (Debian: xvfb)");
        int number = Enumerable.Range(91, 100).First(n => !File.Exists($"/tmp/.X{n}-lock") && !File.Exists($"/tmp/.X11-unix/X{n}"));
        var info = new ProcessStartInfo(xvfb) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { $":{number}", "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset" }) info.ArgumentList.Add(arg);
        var server = Process.Start(info)!;
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (!File.Exists($"/tmp/.X11-unix/X{number}"))
        {
            if (server.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                if (!server.HasExited) server.Kill();
                server.Dispose();
                Assert.Fail($"Xvfb :{number} did not start");
            }
            Thread.Sleep(20);
        }
        string? previous = Environment.GetEnvironmentVariable("DISPLAY");
        SetDisplay($":{number}");
        return new XvfbDisplay(server, number, previous);
    }

    public void Dispose()
    {
        SetDisplay(_previous);
        // SIGTERM lets Xvfb remove its lock file and socket; SIGKILL (Process.Kill) would leave them behind.
        if (!_server.HasExited) kill(_server.Id, 15);
        if (!_server.WaitForExit(5000))
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }
        _server.Dispose();
    }

    private static void SetDisplay(string? value)
    {
        Environment.SetEnvironmentVariable("DISPLAY", value);
        if (value is null) unsetenv("DISPLAY");
        else setenv("DISPLAY", value, 1);
    }

    [DllImport("libc")]
    private static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc")]
    private static extern int unsetenv(string name);

    [DllImport("libc")]
    private static extern int kill(int pid, int signal);
}
