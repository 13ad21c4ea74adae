using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Context;

/// <summary>
/// A resizable window with a GL 4.5 core context (Debian's libglfw3 on X11); keys are queued
/// for the viewer.
/// </summary>
/// <remarks>
/// GLFW wants one thread for all its calls: create, poll, draw and dispose on the GL thread
/// (the process's main thread in a CLI). One window per process: GLFW is initialised here and
/// terminated on <see cref="Dispose"/>. Needs a display (DISPLAY set; Xvfb works).
/// </remarks>
public sealed unsafe class GlfwWindow : IRenderSurface
{
    public const string DefaultLibrary = "libglfw.so.3";
    private const string InstallHint = "install libglfw3 (Debian) for a window, or run headless";

    private static string? s_lastError;
    private static GlfwApi? s_api;
    private readonly GlfwApi _glfw;
    private readonly nint _window;
    private readonly Queue<InputKey> _keys = new();
    private GCHandle _self;
    private bool _disposed;
    // Nothing shown yet; afterwards set by GLFW when the window was exposed or resized.
    private bool _needsRedraw = true;

    private GlfwWindow(GlfwApi glfw, nint window)
    {
        (_glfw, _window) = (glfw, window);
        _self = GCHandle.Alloc(this);
        glfw.SetWindowUserPointer(window, GCHandle.ToIntPtr(_self));
        glfw.SetKeyCallback(window, (nint)(delegate* unmanaged[Cdecl]<nint, int, int, int, int, void>)&OnKey);
        glfw.SetWindowRefreshCallback(window, (nint)(delegate* unmanaged[Cdecl]<nint, void>)&OnRefresh);
        glfw.SetFramebufferSizeCallback(window, (nint)(delegate* unmanaged[Cdecl]<nint, int, int, void>)&OnFramebufferSize);
        Gl = GL.GetApi(glfw.ProcAddress);
        Renderer = Gl.GetStringS(StringName.Renderer) ?? "?";
    }

    public GL Gl { get; }

    public string Renderer { get; }

    public int Width { get { int w, h; _glfw.GetFramebufferSize(_window, &w, &h); return w; } }

    public int Height { get { int w, h; _glfw.GetFramebufferSize(_window, &w, &h); return h; } }

    public uint Framebuffer => 0;

    public bool CloseRequested => _glfw.WindowShouldClose(_window) != 0;

    public bool NeedsRedraw => _needsRedraw;

    /// <summary>Opens a window and makes its context current on this thread.</summary>
    /// <param name="vsync">Swap on vertical blank (paces the loop to the display); off for an unlocked loop.</param>
    /// <param name="visible">False for a hidden window (tests).</param>
    /// <param name="library">libglfw's file name; only tests change it.</param>
    /// <exception cref="GraphicsUnavailableException">libglfw missing, no display, or no GL 4.5 core.</exception>
    public static GlfwWindow Create(int width, int height, string title, bool vsync = true, bool visible = true, string library = DefaultLibrary)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var glfw = new GlfwApi(NativeLibraryHandle.Open(library, InstallHint));
        s_api = glfw;
        glfw.SetErrorCallback((nint)(delegate* unmanaged[Cdecl]<int, byte*, void>)&OnError);
        s_lastError = null;
        if (glfw.Init() == 0)
            throw new GraphicsUnavailableException($"glfwInit failed ({s_lastError ?? "no reason given"}); is DISPLAY set to a running X server (try xvfb-run)?");
        glfw.WindowHint(GlfwApi.ContextVersionMajor, 4);
        glfw.WindowHint(GlfwApi.ContextVersionMinor, 5);
        glfw.WindowHint(GlfwApi.OpenGLProfile, GlfwApi.OpenGLCoreProfile);
        glfw.WindowHint(GlfwApi.OpenGLForwardCompat, 1);
        glfw.WindowHint(GlfwApi.Resizable, 1);
        glfw.WindowHint(GlfwApi.Visible, visible ? 1 : 0);
        nint utf8 = Marshal.StringToCoTaskMemUTF8(title);
        nint window;
        try { window = glfw.CreateWindow(width, height, (byte*)utf8, 0, 0); }
        finally { Marshal.FreeCoTaskMem(utf8); }
        if (window == 0)
        {
            glfw.Terminate();
            throw new GraphicsUnavailableException($"glfwCreateWindow (OpenGL 4.5 core) failed: {s_lastError ?? "no reason given"}; install libgl1-mesa-dri for Mesa's GL");
        }
        glfw.MakeContextCurrent(window);
        glfw.SwapInterval(vsync ? 1 : 0);
        return new GlfwWindow(glfw, window);
    }

    public void PollEvents() => _glfw.PollEvents();

    public bool TryTakeKey(out InputKey key) => _keys.TryDequeue(out key);

    public void Present()
    {
        _glfw.SwapBuffers(_window);
        _needsRedraw = false;
    }

    /// <summary>Asks the window system for a new size (in screen coordinates); applied at a later <see cref="PollEvents"/>.</summary>
    public void Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        _glfw.SetWindowSize(_window, width, height);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Gl.Dispose();
        _glfw.MakeContextCurrent(0);
        _glfw.DestroyWindow(_window);
        _glfw.Terminate();
        _self.Free();
    }

    // Called by GLFW inside glfwPollEvents, i.e. on the GL thread: the queue needs no lock.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnKey(nint window, int key, int scancode, int action, int mods)
    {
        if (action != GlfwApi.Press && action != GlfwApi.Repeat) return;
        if (!GlfwApi.TryMapKey(key, out var mapped)) return;
        var self = FromWindow(window);
        self?._keys.Enqueue(mapped);
    }

    // Expose (X11 without a compositor loses covered pixels) and resize: the picture must be drawn
    // again even when no new frame came. Both arrive inside glfwPollEvents, on the GL thread.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnRefresh(nint window)
    {
        if (FromWindow(window) is { } self) self._needsRedraw = true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnFramebufferSize(nint window, int width, int height)
    {
        if (FromWindow(window) is { } self) self._needsRedraw = true;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(int code, byte* description) =>
        s_lastError = $"GLFW error 0x{code:X}: {Marshal.PtrToStringUTF8((nint)description)}";

    private static GlfwWindow? FromWindow(nint window)
    {
        // The callback has no instance: the window's user pointer holds a GCHandle to it.
        nint pointer = s_api is null ? 0 : s_api.GetWindowUserPointer(window);
        return pointer == 0 ? null : GCHandle.FromIntPtr(pointer).Target as GlfwWindow;
    }
}
