using YamlDotNet.Serialization;

namespace MedSeg.Pipeline.Session;

/// <summary>
/// One session, as a file: a section per stage instance (sources, engine, batcher, preprocess,
/// postprocess, sinks, report), every default written out. <see cref="SessionBuilder"/> builds
/// it; every streaming command only produces one (<c>--print-spec</c> shows it) and
/// <c>medseg run FILE</c> runs any.
/// </summary>
/// <remarks>
/// Mutable on purpose: the file reader fills it, the CLI front-ends override what their flags
/// name, and <see cref="Validate"/> checks it once before anything is built. Keys are camelCase.
/// </remarks>
public sealed class SessionSpec
{
    [YamlMember(Order = 0, Description = "Frame sources, one stream each (stream id = position); all feed ONE shared model, batched round-robin")]
    public List<SourceSection> Sources { get; set; } = [];

    [YamlMember(Order = 1, Description = "The segmentation model")]
    public EngineSection Engine { get; set; } = new();

    [YamlMember(Order = 2, Description = "Micro-batcher: a batch closes at maxBatch frames or maxWaitMs after its first frame")]
    public BatcherSection Batcher { get; set; } = new();

    [YamlMember(Order = 3, Description = "Preprocessing (the checkpoint's own resize / normalisation) and the edges in front of it")]
    public PreprocessSection Preprocess { get; set; } = new();

    [YamlMember(Order = 4, Description = "Postprocessing: temporal smoothing (state per stream), largest component, hole filling")]
    public PostprocessSection Postprocess { get; set; } = new();

    [YamlMember(Order = 5, Description = "Where finished frames go")]
    public SinksSection Sinks { get; set; } = new();

    [YamlMember(Order = 6, Description = "The final report and the status line")]
    public ReportSection Report { get; set; } = new();

    /// <summary>Checks every section once; throws naming the key (<c>batcher.maxBatch</c>).</summary>
    public SessionSpec Validate()
    {
        if (Sources is null || Sources.Count == 0) throw new ArgumentException("sources: at least one source is needed", "sources");
        if (Sources.Count > 64) throw new ArgumentOutOfRangeException("sources", Sources.Count, "at most 64 streams");
        for (int i = 0; i < Sources.Count; i++) (Sources[i] ?? throw new ArgumentNullException($"sources[{i}]")).Validate(i);
        (Engine ?? throw new ArgumentNullException("engine")).Validate();
        (Batcher ?? throw new ArgumentNullException("batcher")).Validate();
        (Preprocess ?? throw new ArgumentNullException("preprocess")).Validate();
        (Postprocess ?? throw new ArgumentNullException("postprocess")).Validate();
        (Sinks ?? throw new ArgumentNullException("sinks")).Validate(Sources.Count);
        (Report ?? throw new ArgumentNullException("report")).Validate();
        return this;
    }
}
