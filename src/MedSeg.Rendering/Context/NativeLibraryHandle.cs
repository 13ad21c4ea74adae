using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Context;

/// <summary>A native library opened by name at run time, so a missing one becomes a clear message, not a DllNotFoundException deep in a call.</summary>
internal sealed class NativeLibraryHandle
{
    private readonly nint _handle;

    private NativeLibraryHandle(string name, nint handle) => (Name, _handle) = (name, handle);

    public string Name { get; }

    /// <param name="name">Library file name (e.g. <c>libEGL.so.1</c>).</param>
    /// <param name="hint">What to install when it is missing, appended to the message.</param>
    public static NativeLibraryHandle Open(string name, string hint)
    {
        if (!NativeLibrary.TryLoad(name, out nint handle))
            throw new GraphicsUnavailableException($"cannot load the native library '{name}': {hint}");
        return new NativeLibraryHandle(name, handle);
    }

    /// <summary>Address of an exported function; throws with the library name when it is absent (a too-old library).</summary>
    public nint Export(string symbol)
    {
        if (!NativeLibrary.TryGetExport(_handle, symbol, out nint address))
            throw new GraphicsUnavailableException($"'{Name}' does not export '{symbol}' (library too old?)");
        return address;
    }
}
