using MedSeg.Core.Frames;

namespace MedSeg.Core.Tests.Frames;

public sealed class ClassPaletteTests
{
    [Fact]
    public void For_KeyboardClasses_AreDistinctAndNotTheBackground()
    {
        var colours = Enumerable.Range(0, 10).Select(ClassPalette.For).ToArray();
        Assert.Equal((0, 0, 0), ((int)colours[0].R, (int)colours[0].G, (int)colours[0].B));
        Assert.Equal(colours.Length, colours.Distinct().Count());
    }

    [Theory]
    [InlineData(ClassPalette.Count, 1)]
    [InlineData(ClassPalette.Count + 14, ClassPalette.Count - 1)]
    [InlineData(ClassPalette.Count + 15, 1)]
    [InlineData(255, 1 + (255 - 1) % (ClassPalette.Count - 1))]
    public void For_IdsPastThePalette_RepeatTheClassColoursNeverTheBackground(int classId, int sameAs)
    {
        Assert.Equal(ClassPalette.For(sameAs), ClassPalette.For(classId));
        Assert.NotEqual(ClassPalette.For(0), ClassPalette.For(classId));
    }

    [Fact]
    public void For_NegativeId_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => ClassPalette.For(-1));
}
