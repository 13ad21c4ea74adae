using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Tests;

/// <summary>The Linux scheduler's nice value of a thread or process (getpriority(2)); 0 elsewhere.</summary>
internal static partial class ThreadNice
{
    private const int PrioProcess = 0;   // with a thread id, getpriority addresses that one thread

    public static int OfCurrentThread() => OperatingSystem.IsLinux() ? Of(gettid()) : 0;

    /// <summary>The nice value of thread or process <paramref name="id"/>.</summary>
    public static int Of(int id)
    {
        if (!OperatingSystem.IsLinux()) return 0;
        // getpriority returns the value itself, so -1 is an error only when errno says so.
        Marshal.SetLastPInvokeError(0);
        int nice = getpriority(PrioProcess, id);
        if (nice == -1 && Marshal.GetLastPInvokeError() != 0)
            throw new InvalidOperationException($"getpriority({id}) failed: errno {Marshal.GetLastPInvokeError()}");
        return nice;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpriority(int which, int who);

    [LibraryImport("libc")]
    private static partial int gettid();
}
