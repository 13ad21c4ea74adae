using MedSeg.Rendering.Shaders;

namespace MedSeg.Rendering.Tests;

public sealed class JoinedShaderSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-joined-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private JoinedShaderSource Join(params (string Name, string Text)[] files)
    {
        foreach (var (name, text) in files) File.WriteAllText(Path.Combine(_dir, name), text);
        return JoinedShaderSource.Read(files.Select(f => Path.Combine(_dir, f.Name)).ToArray());
    }

    [Theory]
    [InlineData(1, "a.glsl", 1)]
    [InlineData(3, "a.glsl", 3)]      // a.glsl's last line (a joining newline follows it)
    [InlineData(4, "b.glsl", 1)]
    [InlineData(5, "b.glsl", 2)]      // b.glsl ends with a newline: its line 3 is empty
    [InlineData(7, "c.frag", 1)]
    public void Locate_JoinedLine_GivesTheFileAndItsOwnLine(int joined, string file, int line)
    {
        var files = new[] { ("a.glsl", "a1\na2\na3"), ("b.glsl", "b1\nb2\n"), ("c.frag", "c1") };
        var source = Join(files);

        var (path, own) = source.Locate(joined);

        Assert.Equal((file, line), (Path.GetFileName(path), own));
        // The joined text really has that file's line there.
        string fileText = files.Single(f => f.Item1 == file).Item2;
        Assert.Equal(fileText.Split('\n')[own - 1], source.Text.Split('\n')[joined - 1]);
    }

    [Fact]
    public void Annotate_MesaAndNvidiaLocations_BecomeFileAndLine()
    {
        var source = Join(("a.glsl", "a1\na2"), ("b.frag", "b1\nb2\nb3"));

        string log = source.Annotate("0:4(9): error: `x' undeclared\n0(5) : error C1008: undefined variable \"y\"\nlinker says hello");

        Assert.Equal("b.frag:2(9): error: `x' undeclared\nb.frag:3 : error C1008: undefined variable \"y\"\nlinker says hello", log);
    }
}
