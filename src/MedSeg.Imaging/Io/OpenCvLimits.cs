using System.Globalization;
using System.Runtime.InteropServices;
using MedSeg.Core.Limits;

namespace MedSeg.Imaging.Io;

/// <summary>
/// Hands <see cref="InputLimits.MaxImagePixels"/> to OpenCV's decoders, which check an image
/// header's size against OPENCV_IO_MAX_IMAGE_PIXELS before allocating (default 2^30 pixels:
/// a lying PNG header could otherwise ask for gigabytes).
/// </summary>
/// <remarks>
/// NOTE: OpenCV reads the variable once, at its first decode, from the native environment;
/// .NET's Environment.SetEnvironmentVariable does not reach it on Unix, hence setenv. A value
/// the user set is kept.
/// </remarks>
internal static class OpenCvLimits
{
    private const string Variable = "OPENCV_IO_MAX_IMAGE_PIXELS";
    private static int s_applied;

    public static void EnsureApplied()
    {
        if (Interlocked.Exchange(ref s_applied, 1) != 0 || !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }) return;
        try
        {
            _ = setenv(Variable, InputLimits.Current.MaxImagePixels.ToString(CultureInfo.InvariantCulture), 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // OpenCV keeps its own default cap.
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
}
