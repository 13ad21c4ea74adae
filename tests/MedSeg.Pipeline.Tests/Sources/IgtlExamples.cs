using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MedSeg.Pipeline.Tests.Sources;

/// <summary>
/// Builds the real OpenIGTLink example servers (Debian <c>openigtlink-examples</c> sources,
/// <c>libopenigtlink-dev</c> headers and library, <c>g++</c>) once per test run, into a temp folder.
/// </summary>
internal static class IgtlExamples
{
    public const string ExamplesDir = "/usr/share/doc/openigtlink-examples/examples";
    public static string ImageDir => Path.Combine(ExamplesDir, "Imager", "img");

    private static readonly Lazy<string> s_bin = new(Build);

    /// <summary>Why the tests cannot run here, or null when they can.</summary>
    public static string? Missing { get; } =
        !File.Exists(Path.Combine(ExamplesDir, "Imager", "ImagerServer.cxx")) ? "Debian package openigtlink-examples is not installed" :
        !File.Exists("/usr/include/openigtlink/igtlImageMessage.h") ? "Debian package libopenigtlink-dev is not installed" :
        !OnPath("g++") ? "g++ is not installed" : null;

    public static string ImagerServer => Path.Combine(s_bin.Value, "ImagerServer");
    public static string ReceiveServer => Path.Combine(s_bin.Value, "ReceiveServer");

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts a server with its stderr captured; the caller kills it by this Process (its own id).</summary>
    public static (Process Process, System.Text.StringBuilder Log) Start(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var log = new System.Text.StringBuilder();
        p.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        return (p, log);
    }

    /// <summary>Kills the server by its own process id; safe to call again on one already stopped.</summary>
    public static void Stop(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already stopped and disposed
        }
        p.Dispose();
    }

    private static string Build()
    {
        string dir = Path.Combine(Path.GetTempPath(), "medseg-igtl-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        Compile(Path.Combine(ExamplesDir, "Imager", "ImagerServer.cxx"), Path.Combine(dir, "ImagerServer"));
        Compile(Path.Combine(ExamplesDir, "Receiver", "ReceiveServer.cxx"), Path.Combine(dir, "ReceiveServer"));
        return dir;
    }

    private static void Compile(string source, string output)
    {
        if (File.Exists(output)) return;
        var psi = new ProcessStartInfo("g++") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-O2", "-I/usr/include/openigtlink", source, "-lOpenIGTLink", "-o", output }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"g++ {source} failed: {err}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}

/// <summary>A fact that skips, saying why, when the OpenIGTLink example server cannot be built here.</summary>
public sealed class IgtlFactAttribute : FactAttribute
{
    public IgtlFactAttribute()
    {
        if (IgtlExamples.Missing is { } why) Skip = $"{why}: the real-server OpenIGTLink tests need it (apt-get install g++ libopenigtlink-dev openigtlink-examples)";
    }
}
