using System.Diagnostics;
using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Context;

/// <summary>
/// An off-screen GL 4.5 core context (EGL, Mesa's surfaceless platform) drawing into an RGBA8
/// framebuffer object of a fixed size; for servers, benchmarks and tests.
/// </summary>
/// <remarks>
/// The context is current on the creating thread, which becomes the GL thread: use and dispose
/// the target there. No window system is needed (no DISPLAY), only libEGL + Mesa's EGL/DRI
/// drivers (Debian: libegl1, libegl-mesa0, libgl1-mesa-dri), which fall back to llvmpipe
/// without a GPU. Keys can be injected with <see cref="PressKey"/> to script a headless run.
/// </remarks>
public sealed unsafe class HeadlessRenderTarget : IRenderSurface
{
    public const string DefaultLibrary = "libEGL.so.1";
    private const string InstallHint = "install libegl1, libegl-mesa0 and libgl1-mesa-dri (Debian) for headless OpenGL";

    private readonly EglApi _egl;
    private readonly nint _display, _context, _pbuffer;
    private readonly Queue<InputKey> _keys = new();
    private readonly int _ownerThread = Environment.CurrentManagedThreadId;
    private uint _fbo, _color, _depth;
    private bool _disposed;

    private HeadlessRenderTarget(EglApi egl, nint display, nint context, nint pbuffer, int width, int height)
    {
        (_egl, _display, _context, _pbuffer) = (egl, display, context, pbuffer);
        Gl = GL.GetApi(egl.ProcAddress);
        Renderer = Gl.GetStringS(StringName.Renderer) ?? "?";
        Version = Gl.GetStringS(StringName.Version) ?? "?";
        Resize(width, height);
    }

    public GL Gl { get; }

    public int Width { get; private set; }

    public int Height { get; private set; }

    public uint Framebuffer => _fbo;

    public bool CloseRequested => false;

    public bool NeedsRedraw => false;

    /// <summary>GL_RENDERER, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)".</summary>
    public string Renderer { get; }

    /// <summary>GL_VERSION, e.g. "4.5 (Core Profile) Mesa 22.3.6".</summary>
    public string Version { get; }

    /// <summary>Makes the context (GL 4.5 core) and a <paramref name="width"/> × <paramref name="height"/> framebuffer, current on this thread.</summary>
    /// <param name="library">libEGL's file name; only tests change it.</param>
    /// <exception cref="GraphicsUnavailableException">libEGL, the Mesa driver or GL 4.5 core is missing.</exception>
    public static HeadlessRenderTarget Create(int width, int height, string library = DefaultLibrary)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var egl = new EglApi(NativeLibraryHandle.Open(library, InstallHint));

        // The surfaceless platform needs neither X nor a DRM device, so it works in containers and CI.
        nint display = egl.GetPlatformDisplay(EglApi.PlatformSurfacelessMesa, 0, null);
        if (display == 0) throw egl.Fail("eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA)", InstallHint);
        int major, minor;
        if (egl.Initialize(display, &major, &minor) == 0) throw egl.Fail("eglInitialize", InstallHint);
        // No eglTerminate on failure: the display is shared by every target in the process.
        {
            if (egl.BindAPI(EglApi.OpenGLApi) == 0) throw egl.Fail("eglBindAPI(EGL_OPENGL_API)", "this EGL has no desktop OpenGL");
            int* configAttribs = stackalloc int[]
            {
                EglApi.SurfaceType, EglApi.PbufferBit, EglApi.RenderableType, EglApi.OpenGLBit,
                EglApi.RedSize, 8, EglApi.GreenSize, 8, EglApi.BlueSize, 8, EglApi.AlphaSize, 8, EglApi.None,
            };
            nint config;
            int count;
            if (egl.ChooseConfig(display, configAttribs, &config, 1, &count) == 0 || count == 0)
                throw egl.Fail("eglChooseConfig (RGBA8, OpenGL)", InstallHint);
            int* contextAttribs = stackalloc int[]
            {
                EglApi.ContextMajorVersion, 4, EglApi.ContextMinorVersion, 5,
                EglApi.ContextOpenGLProfileMask, EglApi.ContextOpenGLCoreProfileBit, EglApi.None,
            };
            nint context = egl.CreateContext(display, config, 0, contextAttribs);
            if (context == 0) throw egl.Fail("eglCreateContext (OpenGL 4.5 core)", "the driver does not offer OpenGL 4.5 core; " + InstallHint);

            // We draw into our own FBO, so no surface is needed (EGL_KHR_surfaceless_context);
            // a 1×1 pbuffer is the fallback for drivers without it.
            nint pbuffer = 0;
            if (egl.MakeCurrent(display, 0, 0, context) == 0)
            {
                int* pbufferAttribs = stackalloc int[] { EglApi.Width, 1, EglApi.Height, 1, EglApi.None };
                pbuffer = egl.CreatePbufferSurface(display, config, pbufferAttribs);
                if (pbuffer == 0 || egl.MakeCurrent(display, pbuffer, pbuffer, context) == 0)
                {
                    egl.DestroyContext(display, context);
                    throw egl.Fail("eglMakeCurrent", InstallHint);
                }
            }
            return new HeadlessRenderTarget(egl, display, context, pbuffer, width, height);
        }
    }

    /// <summary>Reallocates the framebuffer at a new size (a headless "window resize").</summary>
    public void Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        AssertGlThread();
        DeleteFramebuffer();
        var gl = Gl;
        _color = gl.GenRenderbuffer();
        gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _color);
        gl.RenderbufferStorage(RenderbufferTarget.Renderbuffer, InternalFormat.Rgba8, (uint)width, (uint)height);
        _depth = gl.GenRenderbuffer();
        gl.BindRenderbuffer(RenderbufferTarget.Renderbuffer, _depth);
        gl.RenderbufferStorage(RenderbufferTarget.Renderbuffer, InternalFormat.Depth24Stencil8, (uint)width, (uint)height);
        _fbo = gl.GenFramebuffer();
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, _fbo);
        gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, RenderbufferTarget.Renderbuffer, _color);
        gl.FramebufferRenderbuffer(FramebufferTarget.Framebuffer, FramebufferAttachment.DepthStencilAttachment, RenderbufferTarget.Renderbuffer, _depth);
        var status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
        if (status != GLEnum.FramebufferComplete)
            throw new GraphicsUnavailableException($"off-screen framebuffer {width}×{height} incomplete: {status}");
        (Width, Height) = (width, height);
    }

    public void PollEvents() { }

    /// <summary>Queues a key as if it had been pressed in a window (scripted headless runs, tests).</summary>
    public void PressKey(InputKey key) => _keys.Enqueue(key);

    public bool TryTakeKey(out InputKey key) => _keys.TryDequeue(out key);

    /// <summary>Nothing to swap; flushing keeps llvmpipe's queue short so a later read-back does not stall on many frames.</summary>
    public void Present() => Gl.Flush();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DeleteFramebuffer();
        Gl.Dispose();
        _egl.MakeCurrent(_display, 0, 0, 0);
        if (_pbuffer != 0) _egl.DestroySurface(_display, _pbuffer);
        _egl.DestroyContext(_display, _context);
        // NOTE: eglTerminate on a display shared by other live targets in this process would kill
        // them too (EGL displays are per process); Mesa reference-counts nothing here, so we leave
        // the display initialised and only release this thread's state.
        _egl.ReleaseThread();
    }

    private void DeleteFramebuffer()
    {
        if (_fbo != 0) Gl.DeleteFramebuffer(_fbo);
        if (_color != 0) Gl.DeleteRenderbuffer(_color);
        if (_depth != 0) Gl.DeleteRenderbuffer(_depth);
        _fbo = _color = _depth = 0;
    }

    [Conditional("DEBUG")]
    private void AssertGlThread() =>
        Debug.Assert(Environment.CurrentManagedThreadId == _ownerThread, "GL is touched only on the thread that made the context");
}
