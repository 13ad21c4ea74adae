using MedSeg.Core.Frames;
using MedSeg.Imaging.Phantoms;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Sources;

public sealed class SourceFactoryTests : IDisposable
{
    private readonly FramePool _pool = new();

    [Fact]
    public void ParseSynthetic_FullSpec_ReadsEveryOption()
    {
        var o = SourceFactory.ParseSynthetic("lungs?fps=12.5&frames=1000&size=64&seed=7");
        Assert.Equal(new SyntheticSourceOptions { Task = SyntheticTask.Lungs, Fps = 12.5, Frames = 1000, Size = 64, Seed = 7 }, o);
    }

    [Fact]
    public async Task SyntheticSource_Loop_RepeatsTheRenderedFramesExactly()
    {
        var o = SourceFactory.ParseSynthetic("lesion?fps=0&frames=10&size=32&loop=4");
        Assert.Equal(4, o.Loop);
        var source = new SyntheticSource(o, _pool);
        var channel = System.Threading.Channels.Channel.CreateUnbounded<Frame>();
        await source.RunAsync(channel.Writer, CancellationToken.None);
        var frames = new List<Frame>();
        while (channel.Reader.TryRead(out var f)) frames.Add(f);
        Assert.Equal(10, frames.Count);
        Assert.True(frames[1].Pixels.SequenceEqual(frames[5].Pixels), "frame 5 should replay frame 1");
        Assert.True(frames[2].GroundTruth.SequenceEqual(frames[6].GroundTruth));
        Assert.False(frames[1].Pixels.SequenceEqual(frames[2].Pixels), "consecutive frames should differ");
        Assert.Equal(9, frames[9].Info.Seq); // sequence numbers keep counting through the loop
        foreach (var f in frames) f.Dispose();
    }

    [Fact]
    public void Create_Synthetic_DescribesItself()
    {
        var source = SourceFactory.Create("synthetic:lesion?fps=25&frames=10&size=32", _pool);
        Assert.IsType<SyntheticSource>(source);
        Assert.Contains("lesion 32×32 @ 25 fps", source.Description);
    }

    [Fact]
    public async Task Create_Recording_ReplaysTheSampleSessionFrameForFrame()
    {
        string? root = AppContext.BaseDirectory;
        while (root != null && !File.Exists(Path.Combine(root, "MedSeg.Realtime.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        string sample = Path.Combine(root, "recordings", "sample-lesion.msgpack");
        var source = SourceFactory.Create($"recording:{sample}?max=1", _pool);
        Assert.Contains("sample-lesion", source.Description);
        var channel = System.Threading.Channels.Channel.CreateUnbounded<Frame>();
        await source.RunAsync(channel.Writer, CancellationToken.None);
        var seqs = new List<long>();
        while (channel.Reader.TryRead(out var f)) { seqs.Add(f.Info.Seq); f.Dispose(); }
        Assert.Equal(10, seqs.Count);
        Assert.Equal(seqs.Order(), seqs);
    }

    [Theory]
    [InlineData("webcam:0", "unknown source scheme")]
    [InlineData("synthetic:heart", "unknown synthetic task 'heart'")]
    [InlineData("synthetic:lesion?speed=3", "unknown synthetic option 'speed'")]
    [InlineData("synthetic:lesion?fps=fast", "fps=fast")]
    [InlineData("lesion", "no scheme")]
    public void Create_BadSpec_ExplainsWhatIsWrong(string spec, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => SourceFactory.Create(spec, _pool)).Message);

    [Fact]
    public void ParseSynthetic_OutOfRange_ThrowsNamingTheOption()
    {
        // Named as typed in the spec (size=16), not by the options property that holds it.
        var e = Assert.Throws<ArgumentException>(() => SourceFactory.ParseSynthetic("lesion?size=16"));
        Assert.StartsWith("synthetic source: size=16: ", e.Message);
        Assert.Equal("Size", Assert.IsType<ArgumentOutOfRangeException>(e.InnerException).ParamName);
    }

    [Theory]
    [InlineData("//127.0.0.1:1?maxbody=-1", "igtl source: maxbody=-1: ")]
    [InlineData("//127.0.0.1:1?retries=-2", "igtl source: retries=-2: ")]
    public void ParseIgtl_OutOfRange_ThrowsNamingTheQueryKey(string rest, string start) =>
        Assert.StartsWith(start, Assert.Throws<ArgumentException>(() => SourceFactory.ParseIgtl(rest)).Message);

    [Fact]
    public async Task SyntheticSource_FrameLimit_WritesFramesWithGroundTruthAndStamps()
    {
        var source = SourceFactory.Create("synthetic:lesion?fps=0&frames=5&size=32&seed=3", _pool);
        var output = Channels.Unbounded<Frame>();

        await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();

        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([0L, 1, 2, 3, 4], frames.Select(f => f.Info.Seq));
        var sequence = new SyntheticSequence(SyntheticTask.Lesion, 32, 3);
        using (var expected = sequence.Frame(2))
        {
            Assert.Equal(expected.Image.AsSpan<byte>().ToArray(), frames[2].Pixels.ToArray());
            Assert.Equal(expected.Mask.AsSpan<byte>().ToArray(), frames[2].GroundTruth.ToArray());
        }
        Assert.All(frames, f => Assert.True(f.HasGroundTruth && f.Times.Captured != 0 && f.Times.Captured <= f.Times.Queued));
        foreach (var f in frames) f.Dispose();
        Assert.Equal(0, _pool.Outstanding);
    }

    [Fact]
    public void ScanConvertedSource_Prepare_PreparesTheSourceItWraps()
    {
        var inner = new SyntheticSource(new SyntheticSourceOptions { Fps = 0, Frames = 2, Size = 32, Loop = 2 }, _pool);
        using var wrapped = new ScanConvertedSource(inner, _pool);
        Assert.False(inner.IsPrepared);

        wrapped.Prepare(CancellationToken.None);

        Assert.True(inner.IsPrepared);
    }

    [Fact]
    public async Task SyntheticSource_Paced_TimestampsFollowTheFrameRate()
    {
        // A pre-rendered loop: drawing the phantom's first frame takes tens of ms, which would make
        // every frame late and the lower bound below meet itself without any pacing.
        var source = new SyntheticSource(new SyntheticSourceOptions { Fps = 200, Frames = 4, Size = 32, Loop = 4 }, _pool);
        source.Prepare(CancellationToken.None);
        var output = Channels.Unbounded<Frame>();

        long before = StageTimes.Now();
        await source.RunAsync(output.Writer, CancellationToken.None).WaitAsync(Channels.Patience);
        output.Writer.Complete();

        var frames = await Channels.ReadAllAsync(output.Reader);
        Assert.Equal([0.0, 5, 10, 15], frames.Select(f => Math.Round(f.Info.Timestamp.TotalMilliseconds, 6)));
        // Paced on the monotonic clock: frame k is never captured before k periods after the start
        // (a lower bound only). Measured from the start, not from frame 0's stamp: a slow first
        // frame (JIT, a busy CI core) makes the source re-anchor, which shortens the gap between
        // the stamps of frames 0 and 3 but never makes a frame early.
        PacingAssert.NeverEarly(before, frames.Select(f => f.Times.Captured).ToArray(), periodMs: 5);
        foreach (var f in frames) f.Dispose();
    }

    public void Dispose() => _pool.Dispose();
}
