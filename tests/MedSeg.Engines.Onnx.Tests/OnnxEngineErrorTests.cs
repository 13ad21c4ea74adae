using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>Damage made from a valid export; each outcome is the project's clear error, never a crash or a wrong answer.</summary>
public sealed class OnnxEngineErrorTests : IDisposable
{
    private readonly UNet _model;
    private readonly CheckpointInfo _info;
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-onnx-").FullName;

    public OnnxEngineErrorTests() => (_model, _info) = TestNets.Create(2, Upsampling.Transposed, 32, 32);

    private static readonly OnnxEngineOptions s_options = new() { MaxBatch = 2, Warmup = 0, Threads = 1 };

    [Fact]
    public void Truncated_IsModelFormatException()
    {
        byte[] good = TestNets.Export(_model, _info, new OnnxExportOptions());
        var e = Assert.Throws<ModelFormatException>(() => OnnxEngine.FromBytes(good[..(good.Length / 2)], s_options, "half.onnx"));
        Assert.StartsWith("half.onnx: ONNX Runtime cannot load it", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Garbage_IsModelFormatException()
    {
        var bytes = new byte[4096];
        new Random(5).NextBytes(bytes);
        Assert.Throws<ModelFormatException>(() => OnnxEngine.FromBytes(bytes, s_options, "noise.onnx"));
    }

    [Fact]
    public void NoContractAndNoSidecar_SaysWhatIsMissing()
    {
        var proto = UNetOnnxExporter.Export(_model, _info, new OnnxExportOptions());
        proto.MetadataProps.Clear();
        string path = Path.Combine(_dir, "foreign.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        var e = Assert.Throws<ModelFormatException>(() => OnnxEngine.Load(path, s_options));
        Assert.Contains("no sidecar", e.Message);
    }

    [Fact]
    public void ContractSizeMismatch_IsModelFormatException()
    {
        // The metadata claims 64×64 input, the graph takes 32×32.
        var proto = UNetOnnxExporter.Export(_model, _info, new OnnxExportOptions());
        var pre = proto.MetadataProps.Single(static p => p.Key == "medseg.preprocess");
        pre.Value = pre.Value.Replace("\"Width\":32", "\"Width\":64");
        var e = Assert.Throws<ModelFormatException>(() => OnnxEngine.FromBytes(proto.ToByteArray(), s_options, "lie.onnx"));
        Assert.Contains("contract says NCHW 1×32×64", e.Message);
    }

    [Fact]
    public void WrongClassCount_IsModelFormatException()
    {
        var proto = UNetOnnxExporter.Export(_model, _info, new OnnxExportOptions { Head = OutputHead.Probs });
        proto.MetadataProps.Single(static p => p.Key == "medseg.class_names").Value = "[\"bg\",\"a\",\"b\"]";
        proto.MetadataProps.Single(static p => p.Key == "medseg.class_colors").Value = "[]";
        var e = Assert.Throws<ModelFormatException>(() => OnnxEngine.FromBytes(proto.ToByteArray(), s_options, "k.onnx"));
        Assert.Contains("1 channels but 3 classes need 3", e.Message);
    }

    [Fact]
    public void BadSidecar_IsModelFormatException()
    {
        var proto = UNetOnnxExporter.Export(_model, _info, new OnnxExportOptions());
        proto.MetadataProps.Clear();
        string path = Path.Combine(_dir, "m.onnx");
        File.WriteAllBytes(path, proto.ToByteArray());
        File.WriteAllText(path + ".json", "{\"class_names\": [\"bg\", \"fg\"], \"preprocess\": {\"Width\": 32, \"Height\": 32}, \"layout\": \"nchq\"}");
        var e = Assert.Throws<ModelFormatException>(() => OnnxEngine.Load(path, s_options));
        Assert.Contains("'layout' is 'nchq'", e.Message);
        File.WriteAllText(path + ".json", "{\"class_names\": [\"bg\", ");
        Assert.Throws<ModelFormatException>(() => OnnxEngine.Load(path, s_options));
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
