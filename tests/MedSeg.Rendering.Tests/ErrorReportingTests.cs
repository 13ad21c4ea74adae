using MedSeg.Rendering.Context;
using MedSeg.Rendering.Shaders;

namespace MedSeg.Rendering.Tests;

/// <summary>Broken shaders and missing native libraries must give a clear exception, never a crash.</summary>
public sealed class ErrorReportingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-shaders-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_FragmentShaderWithSyntaxError_ThrowsNamingTheFileWithTheDriverLog()
    {
        File.Copy(Path.Combine(ShaderProgram.DefaultDirectory, "fullscreen.vert"), Path.Combine(_dir, "fullscreen.vert"));
        File.WriteAllText(Path.Combine(_dir, "broken.frag"), "#version 450 core\nout vec4 o_color;\nvoid main() { o_color = vec4(1.0) + undefined_thing; }\n");
        using var target = HeadlessRenderTarget.Create(8, 8);
        var e = Assert.Throws<ShaderCompileException>(() => ShaderProgram.Load(target.Gl, _dir, "fullscreen.vert", "broken.frag"));
        Assert.EndsWith("broken.frag", e.FileName);
        Assert.Contains("broken.frag", e.Message);
        Assert.Contains("undefined_thing", e.InfoLog);   // Mesa names the undeclared identifier
    }

    [Fact]
    public void OverlayRenderer_ShaderFolderWithABrokenModeShader_ThrowsNamingIt()
    {
        foreach (var file in Directory.GetFiles(ShaderProgram.DefaultDirectory))
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        File.AppendAllText(Path.Combine(_dir, "overlay_heat.frag"), "\nthis is not glsl\n");
        using var target = HeadlessRenderTarget.Create(8, 8);
        var e = Assert.Throws<ShaderCompileException>(() => new OverlayRenderer(target.Gl, _dir));
        Assert.Contains("overlay_heat.frag", e.FileName);
        Assert.False(string.IsNullOrWhiteSpace(e.InfoLog));
    }

    [Fact]
    public void Load_ErrorInAJoinedFile_MessageGivesThatFileAndItsOwnLine()
    {
        File.Copy(Path.Combine(ShaderProgram.DefaultDirectory, "fullscreen.vert"), Path.Combine(_dir, "fullscreen.vert"));
        File.WriteAllText(Path.Combine(_dir, "head.glsl"), "#version 450 core\nin vec2 v_uv;\nout vec4 o_color;\nvec3 colour(vec2 uv);\n");
        File.WriteAllText(Path.Combine(_dir, "colour.glsl"), "// line 1\n\nvec3 colour(vec2 uv)\n{\n    return missing_value;\n}\n");
        File.WriteAllText(Path.Combine(_dir, "main.frag"), "void main() { o_color = vec4(colour(v_uv), 1.0); }\n");
        using var target = HeadlessRenderTarget.Create(8, 8);

        var e = Assert.Throws<ShaderCompileException>(() => ShaderProgram.Load(target.Gl, _dir, "fullscreen.vert", "head.glsl", "colour.glsl", "main.frag"));

        Assert.Contains("colour.glsl:5(", e.Message);       // line 5 of colour.glsl, not of the joined source
        Assert.Contains("missing_value", e.Message);
        Assert.Contains("missing_value", e.InfoLog);        // the driver's own log is kept verbatim
    }

    [Fact]
    public void Load_MissingShaderFile_ThrowsFileNotFoundWithThePath()
    {
        using var target = HeadlessRenderTarget.Create(8, 8);
        var e = Assert.Throws<FileNotFoundException>(() => ShaderProgram.Load(target.Gl, _dir, "nope.vert", "nope.frag"));
        Assert.Contains("nope.vert", e.Message);
    }

    [Fact]
    public void HeadlessCreate_MissingLibEgl_SaysWhatToInstall()
    {
        var e = Assert.Throws<GraphicsUnavailableException>(() => HeadlessRenderTarget.Create(8, 8, library: "libEGL-not-here.so.9"));
        Assert.Contains("libEGL-not-here.so.9", e.Message);
        Assert.Contains("libegl1", e.Message);
    }

    [Fact]
    public void GlfwCreate_MissingLibGlfw_SaysWhatToInstall()
    {
        var e = Assert.Throws<GraphicsUnavailableException>(() => GlfwWindow.Create(8, 8, "x", library: "libglfw-not-here.so.3"));
        Assert.Contains("libglfw3", e.Message);
    }
}
