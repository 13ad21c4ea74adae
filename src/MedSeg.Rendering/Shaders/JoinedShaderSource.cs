using System.Text;
using System.Text.RegularExpressions;

namespace MedSeg.Rendering.Shaders;

/// <summary>
/// Shader files joined into one source (GLSL has no #include), and the way back from a line of the
/// joined source to the file and line it came from, for the driver's error log.
/// </summary>
/// <remarks>
/// Why not a <c>#line 1 N</c> per file: Mesa reports the first error after such a directive with the
/// previous source number ("0:5" for line 5 of file 1), so the log pointed at the wrong file. Line
/// numbers of the joined source are exact on every driver; this class maps them back.
/// </remarks>
internal sealed partial class JoinedShaderSource
{
    private readonly string[] _paths;
    private readonly int[] _firstLine;   // 1-based line of the joined text where each file starts

    private JoinedShaderSource(string[] paths, int[] firstLine, string text) => (_paths, _firstLine, Text) = (paths, firstLine, text);

    public string Text { get; }

    public static JoinedShaderSource Read(IReadOnlyList<string> paths)
    {
        var text = new StringBuilder();
        var firstLine = new int[paths.Count];
        int line = 1;
        for (int i = 0; i < paths.Count; i++)
        {
            firstLine[i] = line;
            string content = File.ReadAllText(paths[i]);
            text.Append(content).Append('\n');
            line += content.Count(c => c == '\n') + 1;
        }
        return new JoinedShaderSource([.. paths], firstLine, text.ToString());
    }

    /// <summary>The file and its own 1-based line for a 1-based line of <see cref="Text"/>.</summary>
    public (string Path, int Line) Locate(int joinedLine)
    {
        int i = _firstLine.Length - 1;
        while (i > 0 && _firstLine[i] > joinedLine) i--;
        return (_paths[i], joinedLine - _firstLine[i] + 1);
    }

    /// <summary>
    /// The driver's log with each location rewritten as "file:line": Mesa's "0:LINE(COL):" and
    /// NVIDIA's "0(LINE) :" forms; other lines are kept as they are.
    /// </summary>
    public string Annotate(string log)
    {
        var result = new StringBuilder();
        foreach (string raw in log.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            var m = MesaLocation().Match(line);
            if (!m.Success) m = NvidiaLocation().Match(line);
            if (m.Success && int.TryParse(m.Groups["line"].Value, out int joined))
            {
                var (path, own) = Locate(joined);
                string column = m.Groups["col"].Success ? $"({m.Groups["col"].Value})" : "";
                line = $"{Path.GetFileName(path)}:{own}{column}{line[m.Length..]}";
            }
            result.Append(line).Append('\n');
        }
        return result.ToString().TrimEnd();
    }

    [GeneratedRegex(@"^\d+:(?<line>\d+)\((?<col>\d+)\)")]
    private static partial Regex MesaLocation();

    [GeneratedRegex(@"^\d+\((?<line>\d+)\)")]
    private static partial Regex NvidiaLocation();
}
