using System.Threading.Channels;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Session;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;

namespace MedSeg.Pipeline.Tests.Session;

public sealed class SessionBuilderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-session-").FullName;

    /// <summary>The deterministic threshold engine as a session's model; remembers what it was asked for.</summary>
    private sealed class Loader(double checkpointThreshold = 0.5) : ISessionEngineLoader
    {
        public int MaxBatch { get; private set; }

        public ThresholdEngine? Engine { get; private set; }

        public (int Width, int Height)? FrameSize { get; private set; }

        public SessionEngine Load(EngineSection engine, int maxBatch, (int Width, int Height)? frameSize)
        {
            MaxBatch = maxBatch;
            FrameSize = frameSize;
            Engine = new ThresholdEngine(32, 32, maxBatch);
            return new SessionEngine(Engine, new PreprocessOptions { Width = 32, Height = 32 }, engine.Threshold ?? checkpointThreshold, null);
        }
    }

    /// <summary>The sequence numbers of every frame record, in file order.</summary>
    private static List<long> Seqs(RecordingReader reader)
    {
        var record = new FrameRecord();
        var seqs = new List<long>();
        while (reader.ReadNext(record)) seqs.Add(record.Seq);
        return seqs;
    }

    private static SessionSpec TwoStreams(string mode = "all") => new()
    {
        Sources =
        [
            new() { Uri = "synthetic:lesion?fps=0&frames=12&size=32&seed=1", Mode = mode },
            new() { Uri = "synthetic:lungs?fps=0&frames=9&size=32&seed=2", Mode = mode },
        ],
        Batcher = new() { MaxBatch = 3 },
        Report = new() { Status = false },
    };

    [Fact]
    public async Task Build_TwoStreams_OneModelPerStreamReportsAndFiles()
    {
        var spec = TwoStreams();
        spec.Sinks.Recorder.Path = Path.Combine(_dir, "run.msgpack");
        spec.Sinks.Recorder.Tags["site"] = "test";
        var loader = new Loader();

        PipelineReport report;
        using (var session = SessionBuilder.Build(spec, loader))
        {
            report = await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
            Assert.Equal(0, session.FramesOutstanding);
            Assert.Equal(2, session.Recorders.Count);
        }

        Assert.Equal(3, loader.MaxBatch); // the engine is staged for the batcher's size
        Assert.Equal([(0, 12L, 12L), (1, 9L, 9L)], report.Streams.Select(s => (s.Stream, s.FramesIn, s.FramesOut)));
        Assert.Equal(21, report.FramesOut);
        foreach (var (file, stream, frames) in new[] { ("run.msgpack", 0, 12), ("run-s1.msgpack", 1, 9) })
        {
            using var reader = RecordingReader.Open(Path.Combine(_dir, file));
            Assert.Equal($"{stream}", reader.Header.Tags["stream"]);
            Assert.Equal("test", reader.Header.Tags["site"]);
            Assert.Equal(Enumerable.Range(0, frames).Select(i => (long)i), Seqs(reader));
        }
    }

    [Fact]
    public async Task WarmUp_RunsBlankFramesThroughTheEngine_AndLeavesTheSessionsReportAndRecordingsUntouched()
    {
        var spec = TwoStreams();
        spec.Sinks.Recorder.Path = Path.Combine(_dir, "warm.msgpack");
        var loader = new Loader();

        PipelineReport report;
        using (var session = SessionBuilder.Build(spec, loader))
        {
            session.WarmUp(frames: 3);
            var engine = loader.Engine!;
            Assert.Equal(6, engine.BatchSizes.Sum()); // 3 blank frames per stream reached the model
            Assert.Equal(0, session.FramesOutstanding);
            report = await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
            Assert.Equal(6 + 21, engine.BatchSizes.Sum());
        }

        // The session's own counts and files hold only its frames, from Seq 0.
        Assert.Equal([(0, 12L, 12L), (1, 9L, 9L)], report.Streams.Select(s => (s.Stream, s.FramesIn, s.FramesOut)));
        Assert.Equal(0, report.FramesBad);
        using var reader = RecordingReader.Open(Path.Combine(_dir, "warm.msgpack"));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), Seqs(reader));
    }

    [Fact]
    public async Task WarmUp_Recorders_WarmScratchTwinsThatLeaveNoFileBehind()
    {
        var spec = TwoStreams();
        spec.Sinks.Recorder.Path = Path.Combine(_dir, "rec.msgpack");
        string scratch = Directory.CreateDirectory(Path.Combine(_dir, "scratch")).FullName;
        using (var session = SessionBuilder.Build(spec, new Loader()))
        {
            session.WarmUp(frames: 2, scratch, CancellationToken.None);

            Assert.Equal(4, session.ScratchFramesRecorded);           // 2 blank frames per stream went through a real recorder...
            Assert.Empty(Directory.EnumerateFileSystemEntries(scratch)); // ...whose files are gone
            Assert.False(File.Exists(Path.Combine(_dir, "rec.msgpack")));  // and the session's own recorders wrote nothing yet
            await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
        }
        using var reader = RecordingReader.Open(Path.Combine(_dir, "rec.msgpack"));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), Seqs(reader));
    }

    [Fact]
    public async Task WarmUp_View_WarmsScratchMailboxesAndLeavesTheSessionsEmpty()
    {
        var spec = TwoStreams();
        spec.Sinks.View.Kind = "headless";
        using var session = SessionBuilder.Build(spec, new Loader());

        session.WarmUp(frames: 2);

        // Blank frames went through a mailbox's read loop for each stream (its edge keeps the latest, so one may be replaced)...
        Assert.InRange(session.ScratchFramesShown, 2, 4);
        Assert.All(session.Mailboxes, m => Assert.Equal(0, m.Posted));   // ...but not through the view's
        Assert.Equal(0, session.FramesOutstanding);
        await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
        for (int s = 0; s < 2; s++)
        {
            Assert.True(session.Mailboxes[s].TryTake(out var frame));   // the run's own last frame, as without a warm-up
            using (frame) Assert.Equal((s, s == 0 ? 11L : 8L), (frame.Info.StreamId, frame.Info.Seq));
        }
    }

    [Fact]
    public void WarmUp_NoRecorders_RecordsNoScratchFrames()
    {
        using var session = SessionBuilder.Build(TwoStreams(), new Loader());
        session.WarmUp(frames: 1);
        Assert.Equal(0, session.ScratchFramesRecorded);
    }

    [Fact]
    public async Task WarmUp_CineLoopSources_AreRenderedBeforeTheRunAndStillStreamTheSameFrames()
    {
        // A looping synthetic source renders its loop in Prepare, which the warm-up calls: the
        // render is not on the live clock. The frames it then streams are the ones it would have drawn live.
        var spec = TwoStreams();
        spec.Sources[0].Uri = "synthetic:lesion?fps=0&frames=12&size=32&seed=1&loop=5";
        spec.Sources[1].Uri = "synthetic:lungs?fps=0&frames=9&size=32&seed=2&loop=4";
        using var session = SessionBuilder.Build(spec, new Loader());
        var sources = session.Sources.Cast<SyntheticSource>().ToArray();
        Assert.All(sources, s => Assert.False(s.IsPrepared));

        session.WarmUp(frames: 1);

        Assert.All(sources, s => Assert.True(s.IsPrepared));
        var report = await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
        Assert.Equal([(0, 12L, 12L), (1, 9L, 9L)], report.Streams.Select(s => (s.Stream, s.FramesIn, s.FramesOut)));
    }

    [Fact]
    public async Task Build_View_OneMailboxPerStreamHoldingThatStreamsNewestFrame()
    {
        var spec = TwoStreams();
        spec.Sinks.View.Kind = "headless";
        using var session = SessionBuilder.Build(spec, new Loader());
        Assert.Equal(2, session.Mailboxes.Count);

        await session.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);

        for (int s = 0; s < 2; s++)
        {
            Assert.True(session.Mailboxes[s].TryTake(out var frame));
            using (frame) Assert.Equal((s, s == 0 ? 11L : 8L), (frame.Info.StreamId, frame.Info.Seq));
        }
    }

    [Theory]
    [InlineData("auto", BoundedChannelFullMode.DropOldest)]
    [InlineData("newest", BoundedChannelFullMode.DropOldest)]
    [InlineData("all", BoundedChannelFullMode.Wait)]
    public void Build_Mode_DecidesTheSourceEdges(string mode, BoundedChannelFullMode expected)
    {
        using var session = SessionBuilder.Build(TwoStreams(mode), new Loader());
        var edges = session.Pipeline.Edges();
        Assert.All(edges.Where(e => e.Name.StartsWith("source", StringComparison.Ordinal)), e => Assert.Equal(expected, e.Policy));
        Assert.Equal(2, edges.Count(e => e.Name.StartsWith("source", StringComparison.Ordinal)));
    }

    [Fact]
    public void Build_Threshold_DecidedOnceByTheLoaderAndUsedByPostprocessing()
    {
        var spec = TwoStreams();
        using (var session = SessionBuilder.Build(spec, new Loader(checkpointThreshold: 0.3))) Assert.Equal(0.3, session.Engine.Threshold);
        spec.Engine.Threshold = 0.7;
        using (var session = SessionBuilder.Build(spec, new Loader(checkpointThreshold: 0.3)))
        {
            Assert.Equal(0.7, session.Engine.Threshold);
            Assert.Equal(0.7, session.Pipeline.Options.Postprocess.Threshold);
        }
    }

    [Fact]
    public void Build_DeclaredFrameSizes_TheLargestReachesTheLoader()
    {
        // A fixed-input model decides its windows before any frame arrives, from the sizes the sources declare.
        var spec = TwoStreams();
        spec.Sources[1].Uri = "synthetic:lungs?fps=0&frames=9&size=48&seed=2";
        var loader = new Loader();
        using (SessionBuilder.Build(spec, loader)) Assert.Equal((48, 48), loader.FrameSize);

        spec.Sources = [new() { Uri = "video:/nonexistent/clip.mp4" }]; // a video's size is known only once it is open
        using (SessionBuilder.Build(spec, loader)) Assert.Null(loader.FrameSize);
    }

    [Fact]
    public void Build_LabelsWithoutAnIgtlSource_ThrowsNamingTheKey()
    {
        var spec = TwoStreams();
        spec.Sinks.Labels.Enabled = true;
        Assert.Equal("sinks.labels.enabled", Assert.Throws<ArgumentException>(() => SessionBuilder.Build(spec, new Loader())).ParamName);
    }

    [Fact]
    public void Build_UnknownScheme_FailsBeforeTheModelLoads()
    {
        var spec = TwoStreams();
        spec.Sources[1].Uri = "carrier-pigeon:42";
        var loader = new Loader();
        Assert.Contains("carrier-pigeon", Assert.Throws<ArgumentException>(() => SessionBuilder.Build(spec, loader)).Message);
        Assert.Equal(0, loader.MaxBatch);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
