using System.Text.Json;
using MedSeg.Core.Recording;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Sessions;

/// <summary>Opens the spec's checkpoint as an <see cref="InferenceEngine"/>; the threshold is decided here, once.</summary>
public sealed class CheckpointEngineLoader : ISessionEngineLoader
{
    public static CheckpointEngineLoader Instance { get; } = new();

    public SessionEngine Load(EngineSection spec, int maxBatch)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (SpecWords.EngineKind(spec.Kind) == "onnx") throw new NotSupportedException("engine.kind onnx: this build runs checkpoints on TorchSharp only");
        var engine = InferenceEngine.Load(spec.Model, new InferenceEngineOptions
        {
            Device = spec.Device, Threads = spec.Threads, MaxBatch = maxBatch, Threshold = spec.Threshold,
        });
        try
        {
            var model = new RecordedModel(engine.Description.Model, Path.GetFullPath(spec.Model), Checkpoint.Hash(spec.Model),
                                          JsonSerializer.Serialize(engine.Info, Checkpoint.JsonOptions));
            return new SessionEngine(engine, engine.Info.Preprocess, spec.Threshold ?? engine.Info.Threshold, model);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }
}
