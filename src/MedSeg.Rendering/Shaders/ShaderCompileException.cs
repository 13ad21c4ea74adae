namespace MedSeg.Rendering.Shaders;

/// <summary>A shader file did not compile or a program did not link; carries the file and the driver's log.</summary>
public sealed class ShaderCompileException : Exception
{
    public ShaderCompileException(string fileName, string stage, string infoLog)
        : base($"{stage} failed for shader '{fileName}':{Environment.NewLine}{infoLog.Trim()}")
    {
        FileName = fileName;
        InfoLog = infoLog;
    }

    /// <summary>The shader file (for a link error: the files of the program, joined by " + ").</summary>
    public string FileName { get; }

    /// <summary>The driver's info log, verbatim.</summary>
    public string InfoLog { get; }
}
