using MedSeg.Core.Specs;

namespace MedSeg.Core.Tests.Specs;

public sealed class SpecQueryTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("1", true)]
    [InlineData("On", true)]
    [InlineData("false", false)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    [InlineData("OFF", false)]
    public void GetBool_EveryWord_ReadsItsValue(string word, bool expected)
    {
        var (_, query) = SpecQuery.Split("video", $"clip.mp4?loop={word}");

        Assert.Equal(expected, query.GetBool("loop"));
    }

    [Fact]
    public void GetBool_BareKey_IsTrue()
    {
        var (target, query) = SpecQuery.Split("video", "clip.mp4?loop");

        Assert.Equal("clip.mp4", target);
        Assert.True(query.GetBool("loop"));
    }

    [Fact]
    public void GetBool_OtherWord_NamesSchemeKeyAndValue()
    {
        var (_, query) = SpecQuery.Split("video", "clip.mp4?loop=maybe");

        Assert.Contains("video option loop=maybe is not true/false", Assert.Throws<ArgumentException>(() => query.GetBool("loop")).Message);
    }

    [Fact]
    public void Get_NotANumber_NamesSchemeKeyValueAndType()
    {
        var (_, query) = SpecQuery.Split("nifti-pair", "a.nii?block=ten");

        Assert.Contains("nifti-pair option block=ten is not a valid Int32", Assert.Throws<ArgumentException>(() => query.Get<int>("block")).Message);
    }

    [Fact]
    public void Get_AbsentKey_IsNullAndKeysAreCaseInsensitive()
    {
        var (_, query) = SpecQuery.Split("synthetic", "lesion?FPS=12.5");

        Assert.Null(query.Get<int>("size"));
        Assert.Equal(12.5, query.Get<double>("fps"));
        query.EnsureConsumed("fps", "size");
    }

    [Fact]
    public void Split_EscapedValue_IsUnescapedAndTheLastOfTwoWins()
    {
        var (_, query) = SpecQuery.Split("nifti-pair", "a.nii?labels=first.nii&labels=my%20labels.nii");

        Assert.Equal("my labels.nii", query.GetString("labels"));
    }

    [Fact]
    public void Split_EmptyKey_Throws() =>
        Assert.Contains("'=3' in a synthetic: spec is not key=value", Assert.Throws<ArgumentException>(() => SpecQuery.Split("synthetic", "lesion?=3")).Message);

    [Fact]
    public void EnsureConsumed_LeftoverKey_NamesItAndTheKnownOnes()
    {
        var (_, query) = SpecQuery.Split("recording", "s.msgpack?masks=truth&speed=2");
        query.GetString("masks");

        var e = Assert.Throws<ArgumentException>(() => query.EnsureConsumed("masks"));

        Assert.Contains("unknown recording option 'speed'; expected masks", e.Message);
    }

    [Theory]
    [InlineData("z", 2)]
    [InlineData("X", 0)]
    [InlineData("1", 1)]
    public void GetChoice_KnownWord_ReadsItsValue(string word, int expected)
    {
        var (_, query) = SpecQuery.Split("nifti-pair", $"a.nii?axis={word}");

        Assert.Equal(expected, query.GetChoice("axis", ("x", 0), ("y", 1), ("z", 2), ("0", 0), ("1", 1), ("2", 2)));
    }

    [Fact]
    public void GetChoice_OtherWord_ListsTheWords()
    {
        var (_, query) = SpecQuery.Split("nifti-pair", "a.nii?axis=w");

        var e = Assert.Throws<ArgumentException>(() => query.GetChoice("axis", ("x", 0), ("y", 1), ("z", 2)));

        Assert.Contains("nifti-pair option axis=w: expected x, y, z", e.Message);
    }

    [Theory]
    [InlineData("s.msgpack?masks=pred", "s.msgpack")]
    [InlineData("s.msgpack", "s.msgpack")]
    [InlineData("s.msgpack?", "s.msgpack")]
    public void TargetOf_IsThePartBeforeTheQuery(string spec, string target)
    {
        Assert.Equal(target, SpecQuery.TargetOf(spec));
        Assert.Equal(target, SpecQuery.Split("recording", spec).Target);
    }
}
