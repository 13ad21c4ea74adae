using MedSeg.Core.Inference;
using MedSeg.Core.Frames;
using MedSeg.Core.Metrics;
using MedSeg.Core.Recording;
using MedSeg.Imaging.Phantoms;
using MedSeg.Imaging.Preprocess;
using MedSeg.Imaging.Recording;
using MedSeg.Pipeline.Recording;
using MedSeg.Pipeline.Sources;
using MedSeg.Pipeline.Tests.Support;
using OpenCvSharp;

namespace MedSeg.Pipeline.Tests.Recording;

/// <summary>The recorder and the replay source in real pipelines (deterministic threshold engine).</summary>
public sealed class RecordingPipelineTests : IDisposable
{
    private const int FrameSize = 48, ModelSize = 32, Frames = 10;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-rec-pipe-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    private static PipelineOptions Options() => new()
    {
        Mode = PipelineMode.All, MaxBatch = 4, MaxWait = TimeSpan.FromMilliseconds(5),
        Preprocess = new PreprocessOptions { Width = ModelSize, Height = ModelSize },
    };

    private static SessionRecorder Recorder(string path, bool probabilities = true, ImageEncoding image = ImageEncoding.Raw, MaskEncoding masks = MaskEncoding.Rle) => new(new SessionRecorderOptions
    {
        Path = path,
        Header = new SessionHeader { Source = "test", ClassNames = ["background", "lesion"], Tags = new Dictionary<string, string> { ["test"] = "1" } },
        Writer = new RecordingWriterOptions { Probabilities = probabilities, Fsync = FsyncPolicy.None, Image = image, Masks = masks, Png = PngImageCodec.Instance },
    });

    private static async Task<PipelineReport> Run(IFrameSource source, params MedSeg.Pipeline.Sinks.IFrameSink[] sinks)
    {
        using var engine = new ThresholdEngine(ModelSize, ModelSize);
        return await PipelineBuilder.Build(Options(), engine, source, sinks).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task RecordThenReplay_SamePixelsMasksTimestamps_AndScoreEqualsLiveIou()
    {
        // 1. Live: synthetic lesions through the pipeline, recorded, and seen by a collecting sink.
        using var pool = new FramePool();
        string first = File("live.msgpack"), second = File("replay.msgpack");
        var live = new CollectingSink();
        var report = await Run(new SyntheticSource(new SyntheticSourceOptions { Task = SyntheticTask.Lesion, Fps = 0, Frames = Frames, Size = FrameSize, Seed = 3 }, pool),
                               Recorder(first), live);
        Assert.Equal(Frames, report.FramesOut);
        Assert.Contains(report.Sinks, s => s.Name == "recorder" && s.Delivered == Frames && s.Dropped == 0);

        // 2. The live IoU on the frame's own grid by the rule score shares with eval (FORMAT.md): the
        //    model-size foreground probabilities, quantised as the recorder stores them, resampled
        //    bilinearly and cut at 0.5 — checked pixel by pixel against OpenCV's bilinear resize, an
        //    independent implementation, which may round an exact 0.5 (127 and 128 mixed) either way.
        var liveIou = new MetricsAggregator(2, ["background", "lesion"]);
        foreach (var f in live.Frames)
        {
            using var probabilities = new Mat(ModelSize, ModelSize, MatType.CV_32FC1);
            var p = probabilities.AsSpan<float>();
            for (int i = 0; i < p.Length; i++) p[i] = (byte)(Math.Clamp(f.Foreground[i], 0f, 1f) * 255f + 0.5f) / 255f;
            byte[] labels = ProbabilityLabels.LabelsAt(p.ToArray(), 1, ModelSize, ModelSize, FrameSize, FrameSize, 0.5);
            using var native = new Mat();
            Cv2.Resize(probabilities, native, new Size(FrameSize, FrameSize), 0, 0, InterpolationFlags.Linear);
            var opencv = native.AsSpan<float>();
            for (int i = 0; i < labels.Length; i++)
                if (labels[i] != (opencv[i] > 0.5f ? 1 : 0)) Assert.InRange(opencv[i], 0.5f - 1e-6f, 0.5f + 1e-6f);
            liveIou.Add(ImageMetrics.Compute($"frame-{f.Info.Seq:D6}", labels, f.GroundTruth, FrameSize, FrameSize, 2));
        }

        // 3. The recording holds exactly what the sinks saw.
        using (var reader = RecordingReader.Open(first))
        {
            Assert.Equal((FrameSize, FrameSize, ModelSize, ModelSize), (reader.Header.Width, reader.Header.Height, reader.Header.MaskWidth, reader.Header.MaskHeight));
            var f = new FrameRecord();
            int i = 0;
            while (reader.ReadNext(f))
            {
                var seen = live.Frames[i++];
                Assert.Equal(seen.Info.Seq, f.Seq);
                Assert.Equal(seen.Info.Timestamp, f.Timestamp);
                Assert.Equal(seen.Labels, f.Labels);
                Assert.Equal(seen.GroundTruth, f.GroundTruth);
                Assert.Equal(seen.Times.Postprocessed, f.Times.Postprocessed);
                Assert.True(f.Times.Recorded >= f.Times.Postprocessed);
            }
            Assert.Equal(Frames, i);
            Assert.Equal(RecordingEndKind.Footer, reader.End!.Kind);

            // 4. score reproduces the live IoU exactly, every frame from its probabilities.
            var scored = SessionScorer.AgainstStoredTruth(reader);
            Assert.Equal(Frames, scored.FromProbabilities);
            Assert.Equal(liveIou.Summarize().MeanIou, scored.Summarize().MeanIou);
            Assert.Equal(liveIou.Summarize().Classes[0].PooledIou, scored.Summarize().Classes[0].PooledIou);
        }

        // 5. Replay as fast as possible through the same engine, recorded again: bit-exact pixels, truth, masks, seq, timestamps.
        var replaySource = new RecordingSource(new RecordingSourceOptions { Path = first, Pacing = ReplayPacing.AsFastAsPossible }, pool);
        await Run(replaySource, Recorder(second));
        using var a = RecordingReader.Open(first);
        using var b = RecordingReader.Open(second);
        var fa = SessionFrames(a);
        var fb = SessionFrames(b);
        Assert.Equal(fa.Count, fb.Count);
        for (int i = 0; i < fa.Count; i++)
        {
            Assert.Equal(fa[i].Seq, fb[i].Seq);
            Assert.Equal(fa[i].Timestamp, fb[i].Timestamp);
            Assert.Equal(fa[i].Image, fb[i].Image);
            Assert.Equal(fa[i].GroundTruth, fb[i].GroundTruth);
            Assert.Equal(fa[i].Labels, fb[i].Labels);
            Assert.Equal(fa[i].Probabilities, fb[i].Probabilities);
        }
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Replay_RepeatWithFrameCount_SeqAndTimestampsContinue()
    {
        using var pool = new FramePool();
        string path = File("r.msgpack");
        await Run(new ListSource(pool, 3, (p, s) => TestFrames.Gray(p, s, size: ModelSize, ramp: true)), Recorder(path));
        var sink = new CollectingSink();
        await Run(new RecordingSource(RecordingSourceOptions.Parse($"{path}?max=1&repeat=1&frames=8"), pool), sink);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), sink.Frames.Select(f => f.Info.Seq));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => TimeSpan.FromMilliseconds(i * 40)), sink.Frames.Select(f => f.Info.Timestamp));
    }

    [Fact]
    public async Task Replay_FixedFps_PacesFrames()
    {
        using var pool = new FramePool();
        string path = File("fps.msgpack");
        await Run(new ListSource(pool, 6, (p, s) => TestFrames.Gray(p, s, size: ModelSize)), Recorder(path));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var sink = new CollectingSink();
        await Run(new RecordingSource(RecordingSourceOptions.Parse($"{path}?fps=50"), pool), sink);
        Assert.Equal(6, sink.Frames.Count);
        // 6 frames at 50 fps: the last is due 100 ms after the first (a lower bound, not a speed claim).
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(95), $"{clock.Elapsed.TotalMilliseconds} ms");
        var spec = RecordingSourceOptions.Parse($"{path}?speed=4&truth=0");
        Assert.Equal((ReplayPacing.Original, 4.0, false), (spec.Pacing, spec.Speed, spec.GroundTruth));
    }

    [Fact]
    public async Task Recorder_EmptyRun_LeavesValidEmptySession()
    {
        using var pool = new FramePool();
        string path = File("empty.msgpack");
        await Run(new ListSource(pool, 0), Recorder(path));
        using var reader = RecordingReader.Open(path);
        Assert.False(reader.ReadNext(new FrameRecord()));
        Assert.Equal(RecordingEndKind.Footer, reader.End!.Kind);
        Assert.Equal(0, reader.Footer!.Frames);
    }

    [Fact]
    public async Task Recorder_SinkFaultUpstream_StillClosesFileWithFramesBefore()
    {
        using var pool = new FramePool();
        string path = File("fault.msgpack");
        using var engine = new ThresholdEngine(ModelSize, ModelSize) { FailOnCall = 3 };
        var pipeline = PipelineBuilder.Build(Options() with { MaxBatch = 1 }, engine,
            new ListSource(pool, 10, (p, s) => TestFrames.Gray(p, s, size: ModelSize)), [Recorder(path)]);
        await Assert.ThrowsAsync<PipelineException>(() => pipeline.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1)));
        using var reader = RecordingReader.Open(path);
        // A fault cancels the stages at once, so frames still in flight may never reach the sinks;
        // what reached the recorder is in the file, in order, and the file is closed properly.
        var seqs = new List<long>();
        var f = new FrameRecord();
        while (reader.ReadNext(f)) seqs.Add(f.Seq);
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => (long)i), seqs);
        Assert.InRange(seqs.Count, 0, 2);
        Assert.Equal(RecordingEndKind.Footer, reader.End!.Kind);
    }

    [Theory]
    [InlineData(PixelFormat.Gray8)]
    [InlineData(PixelFormat.Gray16)]
    [InlineData(PixelFormat.Bgr24)]
    [InlineData(PixelFormat.Float32)]
    public void PngSession_RoundTrip_BitExact(PixelFormat format)
    {
        string path = File($"png-{format}.msgpack");
        var rng = new Random(1);
        var pixels = new byte[20 * 10 * format.BytesPerPixel()];
        rng.NextBytes(pixels);
        if (format == PixelFormat.Float32) pixels.AsSpan().Clear();
        var labels = Enumerable.Range(0, 200).Select(i => (byte)(i / 70)).ToArray();
        var options = new RecordingWriterOptions { Image = ImageEncoding.Png, Masks = MaskEncoding.Png, Png = PngImageCodec.Instance, Fsync = FsyncPolicy.None };
        using (var w = RecordingWriter.Create(path, new SessionHeader { Width = 20, Height = 10, PixelFormat = format, ClassNames = ["bg", "a", "b"] }, options))
            w.Append(new FrameData { Seq = 0, Width = 20, Height = 10, Format = format, Pixels = pixels, MaskWidth = 20, MaskHeight = 10, Labels = labels, GroundTruth = labels });
        using var reader = RecordingReader.Open(path, new RecordingReaderOptions { Png = PngImageCodec.Instance });
        var f = new FrameRecord();
        Assert.True(reader.ReadNext(f));
        Assert.Equal(pixels, f.Image);
        Assert.Equal(labels, f.Labels);
        Assert.Equal(labels, f.GroundTruth);
        // Without the codec, a PNG plane is a clear stop, not a crash.
        using var plain = RecordingReader.Open(path);
        Assert.False(plain.ReadNext(new FrameRecord()));
        Assert.Contains("PNG codec", plain.End!.Message);
    }

    [Theory]
    [InlineData(48, 32)]
    [InlineData(32, 48)]
    [InlineData(31, 17)]
    [InlineData(100, 7)]
    [InlineData(5, 64)]
    public void MaskResize_MatchesOpenCvNearestExact(int from, int to)
    {
        var rng = new Random(from * 100 + to);
        var src = new byte[from * (from + 3)];
        rng.NextBytes(src);
        using var mat = new Mat(from + 3, from, MatType.CV_8UC1);
        src.CopyTo(mat.AsSpan<byte>());
        using var cv = new Mat();
        Cv2.Resize(mat, cv, new Size(to, to + 1), 0, 0, (InterpolationFlags)6);
        var managed = new byte[to * (to + 1)];
        MaskResize.NearestExact(src, from, from + 3, managed, to, to + 1);
        Assert.Equal(cv.AsSpan<byte>().ToArray(), managed);
    }

    [Fact]
    public async Task RecordingDataset_TruthOrPredictions_AsTrainingSamples()
    {
        using var pool = new FramePool();
        string path = File("ds.msgpack");
        await Run(new SyntheticSource(new SyntheticSourceOptions { Fps = 0, Frames = 4, Size = FrameSize }, pool), Recorder(path));
        Assert.True(RecordingDataset.IsRecording(path));
        Assert.False(RecordingDataset.IsRecording(_dir));
        using var truth = RecordingDataset.Open(path);
        Assert.Equal(4, truth.Count);
        Assert.Equal(["background", "lesion"], truth.ClassNames);
        Assert.Equal("frame-000002", truth.Describe(2).Id);
        using (var s = truth.Load(1))
        {
            Assert.Equal((FrameSize, FrameSize, MatType.CV_8UC1), (s.Image.Width, s.Image.Height, s.Image.Type()));
            Assert.Equal(MatType.CV_8UC1, s.Mask.Type());
        }
        Assert.Empty(Imaging.Datasets.DatasetValidator.Validate(truth, null, CancellationToken.None));
        using var predictions = RecordingDataset.Open($"recording:{path}?masks=predictions");
        using var p = predictions.Load(0);
        Assert.Equal((FrameSize, FrameSize), (p.Mask.Width, p.Mask.Height)); // resized from the model's 32×32
    }

    private static List<FrameRecord> SessionFrames(RecordingReader reader)
    {
        var list = new List<FrameRecord>();
        var f = new FrameRecord();
        while (reader.ReadNext(f)) list.Add(f.Clone());
        return list;
    }
}
