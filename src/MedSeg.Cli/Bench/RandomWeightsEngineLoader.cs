using MedSeg.Engines.Torch;
using MedSeg.Imaging.Preprocess;
using MedSeg.Model;
using MedSeg.Pipeline.Session;

namespace MedSeg.Cli.Bench;

/// <summary>
/// A random-weight U-Net of the benchmarked shape as a session's engine: the benchmarks measure
/// cost, not accuracy, so the spec's <c>engine.model</c> is only a label. Owns the networks it made.
/// </summary>
public sealed class RandomWeightsEngineLoader(UNetOptions model, int size, InferenceEngineOptions options) : ISessionEngineLoader, IDisposable
{
    private readonly List<UNet> _nets = [];

    public SessionEngine Load(EngineSection engine, int maxBatch, (int Width, int Height)? frameSize)
    {
        var net = new UNet(model);
        _nets.Add(net);
        var info = new CheckpointInfo { Model = net.Options, Preprocess = new PreprocessOptions { Width = size, Height = size } };
        var e = new InferenceEngine(net, info, options with { MaxBatch = maxBatch, Warmup = 3, Threshold = engine.Threshold });
        return new SessionEngine(e, info.Preprocess, engine.Threshold ?? info.Threshold, Model: null);
    }

    public void Dispose()
    {
        foreach (var net in _nets) net.Dispose();
        _nets.Clear();
    }
}
