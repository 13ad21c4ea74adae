namespace MedSeg.Rendering.Shaders;

/// <summary>A shader file did not compile or a program did not link; carries the file and the driver's log.</summary>
public sealed class ShaderCompileException : Exception
{
    /// <param name="readableLog">The log with its locations as "file:line" (see <see cref="JoinedShaderSource"/>);
    /// the message quotes it instead of <paramref name="infoLog"/> when given.</param>
    public ShaderCompileException(string fileName, string stage, string infoLog, string? readableLog = null)
        : base($"{stage} failed for shader '{fileName}':{Environment.NewLine}{(readableLog ?? infoLog).Trim()}")
    {
        FileName = fileName;
        InfoLog = infoLog;
    }

    /// <summary>The shader file (for a link error: the files of the program, joined by " + ").</summary>
    public string FileName { get; }

    /// <summary>The driver's info log, verbatim.</summary>
    public string InfoLog { get; }
}
