using Silk.NET.OpenGL;

namespace MedSeg.Rendering.Shaders;

/// <summary>A linked vertex + fragment program read from GLSL files at run time; uniform locations are cached.</summary>
/// <remarks>GL thread only. Uniform lookups allocate a string key once per name, not per frame.</remarks>
public sealed class ShaderProgram : IDisposable
{
    private readonly GL _gl;
    private readonly Dictionary<string, int> _locations = new(StringComparer.Ordinal);

    private ShaderProgram(GL gl, uint handle) => (_gl, Handle) = (gl, handle);

    /// <summary>Names a shader folder to use instead of the built copy (<see cref="DefaultDirectory"/>).</summary>
    public const string DirectoryVariable = "MEDSEG_SHADERS";

    /// <summary>
    /// Where the build puts the repository's shaders/ folder, next to the assemblies; or the folder
    /// in MEDSEG_SHADERS, so that shaders being edited (e.g. the repository's own shaders/) are
    /// loaded by the next run of any command without a rebuild.
    /// </summary>
    public static string DefaultDirectory => ChosenDirectory ?? Path.Combine(AppContext.BaseDirectory, "shaders");

    /// <summary>The folder MEDSEG_SHADERS names, or null when it is unset or empty.</summary>
    private static string? ChosenDirectory => Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } folder ? folder : null;

    public uint Handle { get; }

    /// <summary>Compiles a vertex and a fragment shader (paths relative to <paramref name="directory"/>) and links them.</summary>
    /// <param name="fragmentFiles">One file, or several concatenated in order (GLSL has no #include): the first holds
    /// <c>#version</c> and shared code. Locations in the error message are given as "file:line".</param>
    /// <exception cref="FileNotFoundException">A shader file is missing.</exception>
    /// <exception cref="ShaderCompileException">Compile or link failed; the message names the file and quotes the driver's log.</exception>
    public static ShaderProgram Load(GL gl, string directory, string vertexFile, params string[] fragmentFiles)
    {
        ArgumentOutOfRangeException.ThrowIfZero(fragmentFiles.Length, nameof(fragmentFiles));
        string vertexPath = Path.Combine(directory, vertexFile);
        string[] fragmentPaths = fragmentFiles.Select(f => Path.Combine(directory, f)).ToArray();
        string fragmentPath = string.Join(" + ", fragmentPaths);
        uint vertex = Compile(gl, ShaderType.VertexShader, [vertexPath]);
        uint fragment;
        try { fragment = Compile(gl, ShaderType.FragmentShader, fragmentPaths); }
        catch { gl.DeleteShader(vertex); throw; }

        uint program = gl.CreateProgram();
        gl.AttachShader(program, vertex);
        gl.AttachShader(program, fragment);
        gl.LinkProgram(program);
        // The program keeps the compiled stages; the shader objects are no longer needed.
        gl.DetachShader(program, vertex);
        gl.DetachShader(program, fragment);
        gl.DeleteShader(vertex);
        gl.DeleteShader(fragment);
        gl.GetProgram(program, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            string log = gl.GetProgramInfoLog(program);
            gl.DeleteProgram(program);
            throw new ShaderCompileException($"{vertexPath} + {fragmentPath}", "link", log);
        }
        return new ShaderProgram(gl, program);
    }

    public void Use() => _gl.UseProgram(Handle);

    /// <summary>Location of a uniform, or −1 when the driver optimised it away (setting −1 is a no-op in GL).</summary>
    public int Uniform(string name)
    {
        if (!_locations.TryGetValue(name, out int location))
        {
            location = _gl.GetUniformLocation(Handle, name);
            _locations[name] = location;
        }
        return location;
    }

    public void Dispose() => _gl.DeleteProgram(Handle);

    private static uint Compile(GL gl, ShaderType type, string[] paths)
    {
        foreach (string path in paths)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"shader file not found: {path} " + (ChosenDirectory is { } folder
                    ? $"({DirectoryVariable} is set to '{folder}')"
                    : "(the build copies the repository's shaders/ folder next to the assemblies)"), path);
        }
        var source = JoinedShaderSource.Read(paths);
        uint shader = gl.CreateShader(type);
        gl.ShaderSource(shader, source.Text);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int compiled);
        if (compiled != 0) return shader;
        string log = gl.GetShaderInfoLog(shader);
        gl.DeleteShader(shader);
        throw new ShaderCompileException(string.Join(" + ", paths), $"{type} compile", log, source.Annotate(log));
    }
}
