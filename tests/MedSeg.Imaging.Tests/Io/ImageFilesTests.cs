using MedSeg.Imaging.Io;

namespace MedSeg.Imaging.Tests.Io;

public sealed class ImageFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void List_MixedFolder_ReturnsImagesInNaturalOrder()
    {
        foreach (string name in new[] { "s_10.png", "s_2.TIF", "s_1.jpg", "notes.txt", "._s_3.png", "s_02b.bmp" })
        {
            File.WriteAllBytes(_dir.Combine(name), [1]);
        }

        string[] names = ImageFiles.List(_dir.Path).Select(Path.GetFileName).ToArray()!;

        Assert.Equal(new[] { "s_1.jpg", "s_2.TIF", "s_02b.bmp", "s_10.png" }, names);
    }

    [Fact]
    public void List_MissingFolder_ReturnsEmpty()
    {
        Assert.Empty(ImageFiles.List(_dir.Combine("absent")));
    }

    [Theory]
    [InlineData("a.png", true)]
    [InlineData("a.JPEG", true)]
    [InlineData("a.tiff", true)]
    [InlineData("a.GIF", true)]
    [InlineData("a.webp", false)]
    [InlineData("a", false)]
    public void IsImage_Extension_MatchesAcceptedList(string name, bool expected)
    {
        Assert.Equal(expected, ImageFiles.IsImage(name));
    }
}
