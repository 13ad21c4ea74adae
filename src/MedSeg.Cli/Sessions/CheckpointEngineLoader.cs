using System.Text.Json;
using MedSeg.Cli.Engines;
using MedSeg.Core.Recording;
using MedSeg.Engines.Onnx;
using MedSeg.Model;
using MedSeg.Pipeline.Session;
using Spectre.Console;

namespace MedSeg.Cli.Sessions;

/// <summary>
/// Opens the spec's model through the engine factory (a .ckpt on TorchSharp or exported to ONNX
/// Runtime in memory, a .onnx on ONNX Runtime; <c>engine.kind</c> chooses); the threshold is decided here, once.
/// </summary>
public sealed class CheckpointEngineLoader : ISessionEngineLoader
{
    public static CheckpointEngineLoader Instance { get; } = new();

    public SessionEngine Load(EngineSection spec, int maxBatch, (int Width, int Height)? frameSize)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var kind = Enum.Parse<EngineKind>(SpecWords.EngineKind(spec.Kind), ignoreCase: true);
        var request = new EngineRequest
        {
            Model = spec.Model, Engine = kind, Device = spec.Device, Threads = spec.Threads, MaxBatch = maxBatch, Threshold = spec.Threshold,
            Precision = PrecisionSupport.Parse(SpecWords.Precision(spec.Precision), "engine.precision"), Calibration = spec.Calibration,
            Spinning = Enum.Parse<OnnxSpinning>(SpecWords.Spinning(spec.Spinning), ignoreCase: true),
        };
        var engine = ModelTiling.Create(spec, request, frameSize, Say);
        try
        {
            var contract = engine.Contract;
            // The recorded model's configuration: a checkpoint's own header, or an ONNX model's contract.
            string config = spec.Model.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                ? JsonSerializer.Serialize(contract, Checkpoint.JsonOptions)
                : JsonSerializer.Serialize(Checkpoint.ReadInfo(spec.Model), Checkpoint.JsonOptions);
            var model = new RecordedModel(engine.Description.Model, Path.GetFullPath(spec.Model), Checkpoint.Hash(spec.Model), config);
            return new SessionEngine(engine, contract.Preprocess, spec.Threshold ?? contract.Threshold, model);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    /// <summary>How the engine factory tells the user what it chose (one grey line).</summary>
    private static void Say(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");
}
