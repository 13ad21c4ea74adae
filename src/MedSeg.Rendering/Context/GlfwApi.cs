using System.Runtime.InteropServices;

namespace MedSeg.Rendering.Context;

/// <summary>The GLFW 3.3 entry points the window needs, resolved from libglfw at run time.</summary>
/// <remarks>Constants are copied from GLFW/glfw3.h.</remarks>
internal sealed unsafe class GlfwApi
{
    public const int ContextVersionMajor = 0x00022002, ContextVersionMinor = 0x00022003;
    public const int OpenGLProfile = 0x00022008, OpenGLCoreProfile = 0x00032001, OpenGLForwardCompat = 0x00022006;
    public const int Visible = 0x00020004, Resizable = 0x00020003;
    public const int Press = 1, Repeat = 2;

    public readonly delegate* unmanaged<int> Init;
    public readonly delegate* unmanaged<void> Terminate;
    public readonly delegate* unmanaged<int, int, void> WindowHint;
    public readonly delegate* unmanaged<int, int, byte*, nint, nint, nint> CreateWindow;
    public readonly delegate* unmanaged<nint, void> DestroyWindow;
    public readonly delegate* unmanaged<nint, void> MakeContextCurrent;
    public readonly delegate* unmanaged<byte*, nint> GetProcAddress;
    public readonly delegate* unmanaged<int, void> SwapInterval;
    public readonly delegate* unmanaged<nint, void> SwapBuffers;
    public readonly delegate* unmanaged<void> PollEvents;
    public readonly delegate* unmanaged<nint, int> WindowShouldClose;
    public readonly delegate* unmanaged<nint, int*, int*, void> GetFramebufferSize;
    public readonly delegate* unmanaged<nint, nint, nint> SetKeyCallback;
    public readonly delegate* unmanaged<nint, nint, void> SetWindowUserPointer;
    public readonly delegate* unmanaged<nint, nint> GetWindowUserPointer;
    public readonly delegate* unmanaged<nint, nint> SetErrorCallback;
    public readonly delegate* unmanaged<nint, nint, nint> SetWindowRefreshCallback;
    public readonly delegate* unmanaged<nint, nint, nint> SetFramebufferSizeCallback;
    public readonly delegate* unmanaged<nint, int, int, void> SetWindowSize;

    public GlfwApi(NativeLibraryHandle lib)
    {
        Init = (delegate* unmanaged<int>)lib.Export("glfwInit");
        Terminate = (delegate* unmanaged<void>)lib.Export("glfwTerminate");
        WindowHint = (delegate* unmanaged<int, int, void>)lib.Export("glfwWindowHint");
        CreateWindow = (delegate* unmanaged<int, int, byte*, nint, nint, nint>)lib.Export("glfwCreateWindow");
        DestroyWindow = (delegate* unmanaged<nint, void>)lib.Export("glfwDestroyWindow");
        MakeContextCurrent = (delegate* unmanaged<nint, void>)lib.Export("glfwMakeContextCurrent");
        GetProcAddress = (delegate* unmanaged<byte*, nint>)lib.Export("glfwGetProcAddress");
        SwapInterval = (delegate* unmanaged<int, void>)lib.Export("glfwSwapInterval");
        SwapBuffers = (delegate* unmanaged<nint, void>)lib.Export("glfwSwapBuffers");
        PollEvents = (delegate* unmanaged<void>)lib.Export("glfwPollEvents");
        WindowShouldClose = (delegate* unmanaged<nint, int>)lib.Export("glfwWindowShouldClose");
        GetFramebufferSize = (delegate* unmanaged<nint, int*, int*, void>)lib.Export("glfwGetFramebufferSize");
        SetKeyCallback = (delegate* unmanaged<nint, nint, nint>)lib.Export("glfwSetKeyCallback");
        SetWindowUserPointer = (delegate* unmanaged<nint, nint, void>)lib.Export("glfwSetWindowUserPointer");
        GetWindowUserPointer = (delegate* unmanaged<nint, nint>)lib.Export("glfwGetWindowUserPointer");
        SetErrorCallback = (delegate* unmanaged<nint, nint>)lib.Export("glfwSetErrorCallback");
        SetWindowRefreshCallback = (delegate* unmanaged<nint, nint, nint>)lib.Export("glfwSetWindowRefreshCallback");
        SetFramebufferSizeCallback = (delegate* unmanaged<nint, nint, nint>)lib.Export("glfwSetFramebufferSizeCallback");
        SetWindowSize = (delegate* unmanaged<nint, int, int, void>)lib.Export("glfwSetWindowSize");
    }

    public nint ProcAddress(string name)
    {
        nint utf8 = Marshal.StringToCoTaskMemUTF8(name);
        try { return GetProcAddress((byte*)utf8); }
        finally { Marshal.FreeCoTaskMem(utf8); }
    }

    /// <summary>Maps a GLFW key code (glfw3.h) onto the viewer's keys; false for keys it ignores.</summary>
    public static bool TryMapKey(int key, out InputKey mapped)
    {
        mapped = key switch
        {
            32 => InputKey.Space,
            79 => InputKey.O,
            61 or 334 => InputKey.Plus,    // '=' (the '+' key without shift) and keypad +
            45 or 333 => InputKey.Minus,   // '-' and keypad −
            >= 49 and <= 57 => InputKey.D1 + (key - 49),
            >= 321 and <= 329 => InputKey.D1 + (key - 321),
            82 => InputKey.R,
            83 => InputKey.S,
            256 => InputKey.Escape,
            _ => (InputKey)(-1),
        };
        return (int)mapped >= 0;
    }
}
