using TorchSharp;
using static TorchSharp.torch;

namespace MedSeg.Model;

/// <summary>The one place where the compute device is chosen.</summary>
public static class TorchDevice
{
    /// <summary>
    /// "auto" (default) picks CUDA when libtorch sees a GPU, else the CPU; "cpu" and "cuda[:N]" force one.
    /// Asking for CUDA on a machine without it is an error, not a silent fallback.
    /// </summary>
    public static Device Select(string? requested = "auto", int threads = 0)
    {
        if (threads > 0) torch.set_num_threads(threads);
        string r = string.IsNullOrWhiteSpace(requested) ? "auto" : requested.Trim().ToLowerInvariant();
        if (r == "auto") return torch.cuda.is_available() ? CUDA : CPU;
        if (r.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
            throw new ArgumentException($"device '{requested}' requested but CUDA is not available " +
                                        "(this build uses the TorchSharp backend chosen by -p:TorchBackend; the default is cpu)");
        return r switch
        {
            "cpu" => CPU,
            _ when r.StartsWith("cuda", StringComparison.Ordinal) => new Device(r),
            _ => throw new ArgumentException($"unknown device '{requested}': use auto, cpu or cuda[:N]"),
        };
    }
}
