using MedSeg.Pipeline.Session;

namespace MedSeg.Pipeline.Tests.Session;

public sealed class SessionSpecFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-spec-").FullName;

    private static SessionSpec Full() => new()
    {
        Sources = [new() { Uri = "synthetic:lesion?fps=25&frames=10" }, new() { Uri = "recording:/data/a b.msgpack?max=1", Mode = "all" }],
        Engine = new() { Model = "m.ckpt", Device = "cpu", Threads = 3, Threshold = 0.4 },
        Batcher = new() { MaxBatch = 8, MaxWaitMs = 1.5 },
        Preprocess = new() { SourceCapacity = 3, StageCapacity = 5 },
        Postprocess = new() { Smoothing = 0.5, LargestComponent = true, FillHoles = true },
        Sinks = new()
        {
            Stats = new() { WarmupFrames = 7, LatencyCapacity = 99, SummaryWindowMs = 500, CloseTimeoutS = 2 },
            Recorder = new() { Path = "out/s.msgpack", Overwrite = true, ImageCodec = "png", MaskCodec = "png", Probabilities = true, Fsync = "every", Tags = new() { ["site"] = "ward 3" } },
            Labels = new() { Enabled = true },
            View = new() { Kind = "headless", Out = "out/v", SnapshotEvery = 5, Video = null, VideoFps = 30 },
        },
        Report = new() { Path = "r.json", Status = false },
    };

    [Fact]
    public void ToYaml_ThenFromYaml_GivesTheSameSpec()
    {
        var spec = Full();
        var back = SessionSpecFile.FromYaml(SessionSpecFile.ToYaml(spec)).Validate();
        Assert.Equal(SessionSpecFile.ToJson(spec), SessionSpecFile.ToJson(back));
    }

    [Fact]
    public void ToYaml_Defaults_WritesEveryKeyWithItsComment()
    {
        string yaml = SessionSpecFile.ToYaml(new SessionSpec { Sources = [new()] });
        foreach (string key in new[] { "sources:", "uri:", "mode:", "engine:", "model:", "device:", "threads:", "threshold:", "spinning:", "batcher:", "maxBatch:", "maxWaitMs:",
                                       "preprocess:", "sourceCapacity:", "stageCapacity:", "postprocess:", "smoothing:", "largestComponent:", "fillHoles:",
                                       "sinks:", "stats:", "warmupFrames:", "recorder:", "paths:", "imageCodec:", "fsync:", "tags:", "labels:", "view:", "kind:", "report:", "status:" })
            Assert.Contains(key, yaml);
        var lines = yaml.Split('\n');
        // Every key line is preceded by a comment line (its meaning and default).
        for (int i = 1; i < lines.Length; i++)
            if (lines[i].TrimStart().Length > 0 && lines[i].TrimStart()[0] is not ('#' or '-') && lines[i].Contains(':'))
                Assert.True(lines[i - 1].Contains('#'), $"no comment above '{lines[i]}'");
        Assert.Contains("default", yaml);
    }

    [Fact]
    public void Load_JsonFile_ReadsTheSameSpec()
    {
        string path = Path.Combine(_dir, "s.json");
        File.WriteAllText(path, SessionSpecFile.ToJson(Full()));
        Assert.Equal(SessionSpecFile.ToJson(Full()), SessionSpecFile.ToJson(SessionSpecFile.Load(path)));
    }

    [Fact]
    public void Load_PartialYaml_KeepsTheDefaultsOfWhatItLeavesOut()
    {
        string path = Path.Combine(_dir, "s.yaml");
        File.WriteAllText(path, "sources:\n  - uri: synthetic:mri\nbatcher:\n  maxBatch: 2\n");
        var spec = SessionSpecFile.Load(path);
        Assert.Equal(("synthetic:mri", "auto", 2, 2, "models/lesion-unet16.ckpt"),
                     (spec.Sources[0].Uri, spec.Sources[0].Mode, spec.Batcher.MaxBatch, spec.Preprocess.SourceCapacity, spec.Engine.Model));
    }

    [Theory]
    [InlineData("sources:\n  - uri: synthetic:mri\nbatcher:\n  maxBatchh: 2\n", "maxBatchh")]
    [InlineData("{\"sources\": [{\"uri\": \"synthetic:mri\"}], \"engin\": {}}", "engin")]
    public void Load_UnknownKey_ThrowsNamingIt(string text, string key)
    {
        string path = Path.Combine(_dir, text.StartsWith('{') ? "s.json" : "s.yaml");
        File.WriteAllText(path, text);
        Assert.Contains(key, Assert.Throws<ArgumentException>(() => SessionSpecFile.Load(path)).Message);
    }

    [Fact]
    public void Validate_BadValues_ThrowNamingTheKey()
    {
        string Param(Action<SessionSpec> change)
        {
            var spec = Full();
            change(spec);
            return Assert.ThrowsAny<ArgumentException>(() => spec.Validate()).ParamName!;
        }
        Assert.Equal("sources", Param(s => s.Sources.Clear()));
        Assert.Equal("sources[1].mode", Param(s => s.Sources[1].Mode = "sometimes"));
        Assert.Equal("batcher.maxBatch", Param(s => s.Batcher.MaxBatch = 0));
        Assert.Equal("engine.threshold", Param(s => s.Engine.Threshold = 1.5));
        Assert.Equal("engine.spinning", Param(s => s.Engine.Spinning = "sometimes"));
        Assert.Equal("postprocess.smoothing", Param(s => s.Postprocess.Smoothing = 0));
        Assert.Equal("sinks.recorder.paths", Param(s => (s.Sinks.Recorder.Path, s.Sinks.Recorder.Paths) = (null, ["only-one.msgpack"])));
        Assert.Equal("sinks.recorder.fsync", Param(s => s.Sinks.Recorder.Fsync = "sometimes"));
        Assert.Equal("sinks.view.kind", Param(s => s.Sinks.View.Kind = "hologram"));
    }

    [Fact]
    public void PathOf_SeveralStreams_SuffixesAllButTheFirst()
    {
        var r = new RecorderSection { Path = "out/run.msgpack" };
        Assert.Equal(["out/run.msgpack", "out/run-s1.msgpack", "out/run-s2.msgpack"], Enumerable.Range(0, 3).Select(r.PathOf));
        Assert.Equal("b.msgpack", new RecorderSection { Paths = ["a.msgpack", "b.msgpack"] }.PathOf(1));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
