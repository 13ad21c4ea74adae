using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Context;

/// <summary>
/// Something the loop draws into: a window (<see cref="GlfwWindow"/>) or an off-screen
/// framebuffer (<see cref="HeadlessRenderTarget"/>). Owns the GL context; every member is
/// called on the thread that created it (the GL thread).
/// </summary>
public interface IRenderSurface : IDisposable
{
    GL Gl { get; }

    /// <summary>Drawable size in pixels (a window's framebuffer, not its screen coordinates).</summary>
    int Width { get; }

    int Height { get; }

    /// <summary>The framebuffer to draw into: 0 for a window, the off-screen FBO when headless.</summary>
    uint Framebuffer { get; }

    /// <summary>The user closed the window (never true when headless).</summary>
    bool CloseRequested { get; }

    /// <summary>
    /// The window system lost or resized the picture since the last <see cref="Present"/> (exposed,
    /// resized, never shown yet): draw again even if nothing else changed. Never true off-screen,
    /// where the framebuffer keeps its pixels.
    /// </summary>
    bool NeedsRedraw { get; }

    /// <summary>Pumps window events; queues key presses for <see cref="TryTakeKey"/>.</summary>
    void PollEvents();

    /// <summary>The oldest key pressed since the last call, if any.</summary>
    bool TryTakeKey(out InputKey key);

    /// <summary>Shows the frame just drawn (swap buffers; a flush when headless).</summary>
    void Present();
}
