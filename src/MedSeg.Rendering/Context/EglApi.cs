using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Context;

/// <summary>The dozen EGL 1.5 entry points the headless target needs, resolved from libEGL at run time.</summary>
/// <remarks>Constants are copied from Khronos' EGL/egl.h and EGL/eglext.h.</remarks>
internal sealed unsafe class EglApi
{
    public const int None = 0x3038, Success = 0x3000;
    public const int RedSize = 0x3024, GreenSize = 0x3023, BlueSize = 0x3022, AlphaSize = 0x3021;
    public const int SurfaceType = 0x3033, PbufferBit = 0x0001, RenderableType = 0x3040, OpenGLBit = 0x0008;
    public const int Width = 0x3057, Height = 0x3056, Vendor = 0x3053, Version = 0x3054;
    public const uint OpenGLApi = 0x30A2;
    public const int ContextMajorVersion = 0x3098, ContextMinorVersion = 0x30FB;
    public const int ContextOpenGLProfileMask = 0x30FD, ContextOpenGLCoreProfileBit = 0x1;
    public const uint PlatformSurfacelessMesa = 0x31DD;

    public readonly delegate* unmanaged<byte*, nint> GetProcAddress;
    public readonly delegate* unmanaged<uint, nint, nint*, nint> GetPlatformDisplay;
    public readonly delegate* unmanaged<nint, int*, int*, uint> Initialize;
    public readonly delegate* unmanaged<nint, uint> Terminate;
    public readonly delegate* unmanaged<uint, uint> BindAPI;
    public readonly delegate* unmanaged<nint, int*, nint*, int, int*, uint> ChooseConfig;
    public readonly delegate* unmanaged<nint, nint, nint, int*, nint> CreateContext;
    public readonly delegate* unmanaged<nint, nint, uint> DestroyContext;
    public readonly delegate* unmanaged<nint, nint, int*, nint> CreatePbufferSurface;
    public readonly delegate* unmanaged<nint, nint, uint> DestroySurface;
    public readonly delegate* unmanaged<nint, nint, nint, nint, uint> MakeCurrent;
    public readonly delegate* unmanaged<int> GetError;
    public readonly delegate* unmanaged<nint, int, byte*> QueryString;
    public readonly delegate* unmanaged<uint> ReleaseThread;

    public EglApi(NativeLibraryHandle lib)
    {
        GetProcAddress = (delegate* unmanaged<byte*, nint>)lib.Export("eglGetProcAddress");
        GetPlatformDisplay = (delegate* unmanaged<uint, nint, nint*, nint>)lib.Export("eglGetPlatformDisplay");
        Initialize = (delegate* unmanaged<nint, int*, int*, uint>)lib.Export("eglInitialize");
        Terminate = (delegate* unmanaged<nint, uint>)lib.Export("eglTerminate");
        BindAPI = (delegate* unmanaged<uint, uint>)lib.Export("eglBindAPI");
        ChooseConfig = (delegate* unmanaged<nint, int*, nint*, int, int*, uint>)lib.Export("eglChooseConfig");
        CreateContext = (delegate* unmanaged<nint, nint, nint, int*, nint>)lib.Export("eglCreateContext");
        DestroyContext = (delegate* unmanaged<nint, nint, uint>)lib.Export("eglDestroyContext");
        CreatePbufferSurface = (delegate* unmanaged<nint, nint, int*, nint>)lib.Export("eglCreatePbufferSurface");
        DestroySurface = (delegate* unmanaged<nint, nint, uint>)lib.Export("eglDestroySurface");
        MakeCurrent = (delegate* unmanaged<nint, nint, nint, nint, uint>)lib.Export("eglMakeCurrent");
        GetError = (delegate* unmanaged<int>)lib.Export("eglGetError");
        QueryString = (delegate* unmanaged<nint, int, byte*>)lib.Export("eglQueryString");
        ReleaseThread = (delegate* unmanaged<uint>)lib.Export("eglReleaseThread");
    }

    public nint ProcAddress(string name)
    {
        nint utf8 = Marshal.StringToCoTaskMemUTF8(name);
        try { return GetProcAddress((byte*)utf8); }
        finally { Marshal.FreeCoTaskMem(utf8); }
    }

    public string? Query(nint display, int name) => Marshal.PtrToStringUTF8((nint)QueryString(display, name));

    /// <summary>Builds an exception naming the failed call and EGL's error code.</summary>
    public GraphicsUnavailableException Fail(string call, string hint) =>
        new($"{call} failed (EGL error 0x{GetError():X4}): {hint}");
}
