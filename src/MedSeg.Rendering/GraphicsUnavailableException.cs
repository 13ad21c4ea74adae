namespace MedSeg.Rendering;

/// <summary>
/// No OpenGL context could be made: a native library (libEGL, libglfw, a Mesa driver) is missing,
/// there is no display, or the driver refused the GL version. The message says what to install.
/// </summary>
/// <remarks>A CLI catches this and exits non-zero with the message instead of crashing.</remarks>
public sealed class GraphicsUnavailableException : Exception
{
    public GraphicsUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
