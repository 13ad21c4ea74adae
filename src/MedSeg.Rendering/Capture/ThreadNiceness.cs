using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Capture;

/// <summary>
/// The Linux scheduler's nice value of the calling thread: lowering it (raising the value) needs no
/// privilege. .NET's <see cref="Thread.Priority"/> does nothing on Linux, so this calls setpriority(2)
/// on the thread's id; processes the thread starts afterwards (ffmpeg) inherit the value.
/// </summary>
/// <remarks>Elsewhere (Windows, macOS) it falls back to <see cref="ThreadPriority.BelowNormal"/>.</remarks>
public static partial class ThreadNiceness
{
    private const int PrioProcess = 0;   // with a thread id, setpriority addresses that one thread

    /// <summary>Makes the calling thread yield to normal-priority work; true when the system took it.</summary>
    public static bool LowerCurrentThread(int nice = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nice, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, 19);
        if (!OperatingSystem.IsLinux())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
            return true;
        }
        return setpriority(PrioProcess, gettid(), nice) == 0;
    }

    /// <summary>The calling thread's nice value (Linux); 0 elsewhere.</summary>
    public static int OfCurrentThread()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        Marshal.SetLastPInvokeError(0);
        return getpriority(PrioProcess, gettid());
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setpriority(int which, int who, int prio);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getpriority(int which, int who);

    [LibraryImport("libc")]
    private static partial int gettid();
}
