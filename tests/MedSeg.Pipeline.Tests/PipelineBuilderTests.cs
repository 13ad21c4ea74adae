using MedSeg.Core.Frames;
using MedSeg.Imaging.Preprocess;
using MedSeg.Pipeline.Sinks;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace MedSeg.Pipeline.Tests;

public sealed class PipelineBuilderTests : IDisposable
{
    private static readonly PipelineOptions s_options = new()
    {
        Preprocess = new PreprocessOptions { Width = 16, Height = 16 },
        MaxBatch = 4,
        MaxWait = TimeSpan.FromMilliseconds(1),
    };

    private readonly FramePool _pool = new();
    private readonly ThresholdEngine _engine = new(maxBatch: 8);

    [Theory]
    [InlineData(PipelineMode.Newest, 0.0)]
    [InlineData(PipelineMode.All, 2.0)]
    public void EffectiveMaxWait_UnsetFollowsTheMode_SetWins(PipelineMode mode, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), new PipelineOptions { Mode = mode }.EffectiveMaxWait);
        Assert.Equal(TimeSpan.FromMilliseconds(7), new PipelineOptions { Mode = mode, MaxWait = TimeSpan.FromMilliseconds(7) }.EffectiveMaxWait);
    }

    [Fact]
    public void Build_InvalidOptions_ThrowOutOfRangeNamingTheOption()
    {
        var source = new ListSource(_pool, 1);
        string Param(PipelineOptions o) => Assert.Throws<ArgumentOutOfRangeException>(() => PipelineBuilder.Build(o, _engine, source, [])).ParamName!;

        Assert.Equal("MaxBatch", Param(s_options with { MaxBatch = 0 }));
        Assert.Equal("MaxBatch", Param(s_options with { MaxBatch = 9 })); // above the engine's
        Assert.Equal("MaxWait", Param(s_options with { MaxWait = TimeSpan.FromSeconds(-1) }));
        Assert.Equal("SourceCapacity", Param(s_options with { SourceCapacity = 0 }));
        Assert.Equal("StageCapacity", Param(s_options with { StageCapacity = 0 }));
        Assert.Equal("SmoothingAlpha", Param(s_options with { Postprocess = new() { SmoothingAlpha = 2 } }));
    }

    [Fact]
    public void Build_PreprocessingDoesNotFitTheEngine_Throws()
    {
        var wrong = s_options with { Preprocess = new PreprocessOptions { Width = 32, Height = 32 } };
        Assert.Contains("1×32×32", Assert.Throws<ArgumentException>(() => PipelineBuilder.Build(wrong, _engine, new ListSource(_pool, 1), [])).Message);
    }

    [Fact]
    public void Build_NoPreprocessing_TakesTheEnginesContract()
    {
        // Every engine states its model's preprocessing (ISegmentationEngine.Contract): no downcast, no option needed.
        var engine = new ThresholdEngine(24, 20);
        var built = PipelineBuilder.Build(s_options with { Preprocess = null }, engine, new ListSource(_pool, 1), []);
        Assert.NotNull(built);
        var wrong = new ThresholdEngine(24, 20);
        Assert.Contains("1×20×24", Assert.Throws<ArgumentException>(() => PipelineBuilder.Build(
            s_options with { Preprocess = new PreprocessOptions { Width = 32, Height = 32 } }, wrong, new ListSource(_pool, 1), [])).Message);
    }

    [Fact]
    public void Build_DuplicateSinkNames_Throws() =>
        Assert.Throws<ArgumentException>(() => PipelineBuilder.Build(s_options, _engine, new ListSource(_pool, 1), [new CollectingSink("stats")]));

    [Fact]
    public async Task RunAsync_ModeAll_WaitEdgesLoseNothing()
    {
        var sink = new CollectingSink();
        var report = await Run(s_options with { Mode = PipelineMode.All }, new ListSource(_pool, 40), sink);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), sink.Frames.Select(f => f.Info.Seq));
        Assert.Equal((40L, 40L, 0L, 0L), (report.FramesIn, report.FramesOut, report.FramesDropped, report.FramesDiscarded));
        Assert.All(report.Edges, e => Assert.Equal(0, e.Dropped));
        Assert.All(report.Edges.Take(5), e => Assert.Equal(BoundedChannelFullMode.Wait, e.Policy));
        Assert.All(sink.Frames, f => Assert.Equal(FrameFlags.None, f.Flags & FrameFlags.DroppedUpstream));
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_ModeNewestWithSlowModel_DropsOldestAtTheSourceEdgeAndCountsThem()
    {
        // The model is held until the source has written everything, so the source edge overflows.
        var source = new ListSource(_pool, 60);
        using var gate = new ManualResetEventSlim(false);
        _engine.Gate = gate;
        _ = source.Done.ContinueWith(_ => gate.Set(), TaskScheduler.Default);
        var sink = new CollectingSink();

        var report = await Run(s_options with { Mode = PipelineMode.Newest }, source, sink);

        var sourceEdge = report.Edges[0];
        Assert.Equal(BoundedChannelFullMode.DropOldest, sourceEdge.Policy);
        Assert.True(sourceEdge.Dropped > 0, "nothing was dropped");
        // A held engine can also make a newer batch replace the waiting one: drops add up over edges.
        Assert.Equal(report.Edges.Take(5).Sum(e => e.Dropped), report.FramesDropped);
        Assert.Equal(60, report.FramesIn);
        Assert.Equal(report.FramesIn, report.FramesOut + report.FramesDropped + report.FramesBad + report.FramesDiscarded);
        Assert.Equal(report.FramesOut, sink.Frames.Count);
        Assert.Equal(59, sink.Frames[^1].Info.Seq); // the newest frame is never the one dropped
        var seqs = sink.Frames.Select(f => f.Info.Seq).ToList();
        Assert.Equal(seqs.Order(), seqs);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_ModeNewestEngineBusy_NewerBatchReplacesTheWaitingOneAndItsFramesAreCounted()
    {
        using var gate = new ManualResetEventSlim(false);
        _engine.Gate = gate;
        var source = new MedSeg.Pipeline.Sources.SyntheticSource(
            new MedSeg.Pipeline.Sources.SyntheticSourceOptions { Fps = 400, Frames = 40, Size = 32, Loop = 8 }, _pool);
        var sink = new CollectingSink();
        var pipeline = PipelineBuilder.Build(s_options with { Mode = PipelineMode.Newest }, _engine, source, [sink]);
        var run = pipeline.RunAsync(CancellationToken.None);

        // The engine is held on its first batch while frames keep arriving: the batch edge must
        // replace its waiting batch. Release the engine once that has happened.
        var deadline = DateTime.UtcNow + Channels.Patience;
        while (pipeline.Edges().Single(e => e.Name == "batcher→inference").Dropped == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(5);
        gate.Set();
        var report = await run.WaitAsync(Channels.Patience);

        var batchEdge = report.Edges.Single(e => e.Name == "batcher→inference");
        Assert.Equal(BoundedChannelFullMode.DropOldest, batchEdge.Policy);
        Assert.True(batchEdge.Dropped > 0, "no batch was replaced while the engine was busy");
        Assert.Equal(report.Edges.Take(5).Sum(e => e.Dropped), report.FramesDropped);
        Assert.Equal(report.FramesIn, report.FramesOut + report.FramesDropped + report.FramesBad);
        Assert.Equal(0, report.FramesDiscarded);
        Assert.Equal(39, sink.Frames[^1].Info.Seq); // the newest batch is the one kept
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_StageFaults_PipelineExceptionNamesItAndSinksStillClose()
    {
        _engine.FailOnCall = 3;
        var sink = new CollectingSink();
        var pipeline = PipelineBuilder.Build(s_options with { Mode = PipelineMode.All }, _engine, new ListSource(_pool, 50), [sink]);

        var e = await Assert.ThrowsAsync<PipelineException>(() => pipeline.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Equal("inference", e.Stage);
        Assert.Contains("'inference'", e.Message);
        Assert.Contains("engine exploded on purpose", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.True(sink.Closed, "the sink did not get to close");
        Assert.NotNull(e.Report);
        Assert.StartsWith("inference:", e.Report!.Fault);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_SourceFaults_NamesTheSource()
    {
        var sink = new CollectingSink();
        var pipeline = PipelineBuilder.Build(s_options with { Mode = PipelineMode.All }, _engine, new ListSource(_pool, 50) { FailAfter = 5 }, [sink]);

        var e = await Assert.ThrowsAsync<PipelineException>(() => pipeline.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Equal("source", e.Stage);
        Assert.Contains("camera unplugged", e.Message);
        Assert.True(sink.Closed);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_SinkFaults_NamesTheSinkAndTheOtherSinksClose()
    {
        var recorder = new CollectingSink("recorder", failOnFrame: 3);
        var other = new CollectingSink("other");
        var pipeline = PipelineBuilder.Build(s_options with { Mode = PipelineMode.All }, _engine, new ListSource(_pool, 50), [recorder, other]);

        var e = await Assert.ThrowsAsync<PipelineException>(() => pipeline.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience));

        Assert.Equal("sink recorder", e.Stage);
        Assert.Contains("disk full", e.Message);
        Assert.True(recorder.Closed && other.Closed);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_EndOfSource_FlushesThePartialBatchThroughToTheSinks()
    {
        // MaxWait far beyond the test's patience: only the end-of-input flush can deliver frames 8 and 9.
        var sink = new CollectingSink();
        var report = await Run(s_options with { Mode = PipelineMode.All, MaxWait = TimeSpan.FromMinutes(10) }, new ListSource(_pool, 10), sink);

        Assert.Equal(10, sink.Frames.Count);
        Assert.Equal((2L, 0L, 1L), (report.BatchesBySize, report.BatchesByTime, report.BatchesByEnd));
        Assert.Equal(10.0 / 3, report.MeanBatch, 6);
        Assert.Equal(10, report.EndToEnd.Count);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_Cancelled_DrainsEverythingInFlightAndReturnsTheReport()
    {
        var source = new ListSource(_pool, 100) { HangAfter = 13 };
        var sink = new CollectingSink();
        var pipeline = PipelineBuilder.Build(s_options with { Mode = PipelineMode.All, MaxWait = TimeSpan.FromMinutes(10) }, _engine, source, [sink]);
        using var cts = new CancellationTokenSource();
        var run = pipeline.RunAsync(cts.Token);
        await source.Done.WaitAsync(Channels.Patience);

        await cts.CancelAsync();
        var report = await run.WaitAsync(Channels.Patience);

        Assert.Equal(13, report.FramesIn);
        Assert.Equal(13, report.FramesOut);
        Assert.Equal(13, sink.Frames.Count);
        Assert.Null(report.Fault);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_EveryFrame_TimestampsAreMonotonicAlongThePipeline()
    {
        var source = new SyntheticSource(new SyntheticSourceOptions { Fps = 0, Frames = 30, Size = 40 }, _pool);
        var sink = new CollectingSink();

        await Run(s_options with { Mode = PipelineMode.All, Postprocess = new() { SmoothingAlpha = 0.5, FillHoles = true } }, source, sink);

        Assert.Equal(30, sink.Frames.Count);
        foreach (var t in sink.Frames.Select(f => f.Times))
        {
            long[] chain = [t.Captured, t.Queued, t.Preprocessed, t.Batched, t.InferenceStart, t.InferenceEnd, t.Postprocessed, t.Recorded];
            Assert.All(chain, stamp => Assert.NotEqual(0, stamp));
            for (int i = 1; i < chain.Length; i++) Assert.True(chain[i - 1] <= chain[i], $"stamp {i} goes back in time: {string.Join(", ", chain)}");
            Assert.True(t.IsMonotonic());
        }
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_AfterRun_EveryFrameAndBufferGoesBackToItsPool()
    {
        var memory = new CountingMemoryPool();
        var pool = new FramePool(memory);
        var source = new SyntheticSource(new SyntheticSourceOptions { Fps = 0, Frames = 200, Size = 32 }, pool);
        using var mailbox = new RenderMailbox();

        var report = await Run(s_options with { Mode = PipelineMode.Newest }, source, mailbox, new CollectingSink());

        Assert.True(mailbox.TryTake(out var last));
        Assert.Equal(199, last.Info.Seq);
        last.Dispose();
        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Equal(200, pool.Rented);
        Assert.True(pool.FramesCreated < 100, $"{pool.FramesCreated} frame objects for 200 frames: not reused");
        Assert.Equal(200, report.FramesOut + report.FramesDropped);
        pool.Dispose();
        Assert.Equal(memory.Rented, memory.Returned);
        Assert.Equal(pool.BuffersRented, pool.BuffersReturned);
    }

    [Fact]
    public async Task RunAsync_BadFrames_DroppedCountedAndTheStreamContinues()
    {
        static Frame Make(FramePool pool, long seq)
        {
            if (seq == 5) return TestFrames.Gray(pool, seq, size: 20);
            if (seq != 9) return TestFrames.Gray(pool, seq);
            var nan = pool.Rent(new FrameInfo(seq, default, 16, 16, PixelFormat.Float32));
            MemoryMarshal.Cast<byte, float>(nan.Pixels).Fill(float.PositiveInfinity);
            nan.Times.Captured = StageTimes.Now();
            return nan;
        }
        var sink = new CollectingSink();

        var report = await Run(s_options with { Mode = PipelineMode.All }, new ListSource(_pool, 20, Make), sink);

        Assert.Equal(18, sink.Frames.Count);
        Assert.DoesNotContain(sink.Frames, f => f.Info.Seq is 5 or 9);
        Assert.Equal(2, report.FramesBad);
        Assert.Equal(1, report.BadFrameReasons[FrameDropReason.WrongSize]);
        Assert.Equal(1, report.BadFrameReasons[FrameDropReason.NonFinite]);
        Assert.Equal([5L, 9], report.BadFrameExamples.Select(b => b.Seq));
        Assert.Equal(0, report.FramesDiscarded);
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_NeverDropSinkFallsBehind_LosesNothingAndReportsItLoudly()
    {
        var recorder = new CollectingSink("recorder", capacity: 1) { Delay = TimeSpan.FromMilliseconds(3) };

        var report = await Run(s_options with { Mode = PipelineMode.All }, new ListSource(_pool, 20), recorder);

        Assert.Equal(20, recorder.Frames.Count);
        var sinkReport = Assert.Single(report.Sinks, s => s.Name == "recorder");
        Assert.True(sinkReport.Stalls > 0);
        Assert.Equal(0, sinkReport.Dropped);
        Assert.Contains(report.Warnings, w => w.Contains("'recorder' fell behind"));
        AssertNoLeaks();
    }

    [Fact]
    public async Task RunAsync_SecondCall_Throws()
    {
        var pipeline = PipelineBuilder.Build(s_options, _engine, new ListSource(_pool, 2), []);
        await pipeline.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.RunAsync(CancellationToken.None));
        Assert.Equal(2, pipeline.Snapshot().FramesOut);
    }

    public void Dispose() => _pool.Dispose();

    private async Task<PipelineReport> Run(PipelineOptions options, IFrameSource source, params IFrameSink[] sinks)
    {
        var pipeline = PipelineBuilder.Build(options, _engine, source, sinks);
        return await pipeline.RunAsync(CancellationToken.None).WaitAsync(Channels.Patience);
    }

    private void AssertNoLeaks() => Assert.Equal(0, _pool.Outstanding);
}
