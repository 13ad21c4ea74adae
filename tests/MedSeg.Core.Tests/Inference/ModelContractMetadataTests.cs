using MedSeg.Core.Inference;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Tests.Inference;

/// <summary>The contract keys that say how a fixed-input graph meets other sizes: inference and tiled_input.</summary>
public sealed class ModelContractMetadataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("medseg-contract-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ModelContract s_whole = new ModelContract
    {
        Model = "unet", ClassNames = ["background", "lesion"], Preprocess = new PreprocessOptions { Width = 64, Height = 64 },
    }.Validate();

    private static ModelContract RoundTrip(ModelContract c) =>
        ModelContractMetadata.Read(ModelContractMetadata.Write(c).ToDictionary(static p => p.Key, static p => p.Value), "test.onnx");

    private string Sidecar(string extra)
    {
        string path = Path.Combine(_dir, "model.onnx.json");
        File.WriteAllText(path, """{ "class_names": ["background", "lesion"], "preprocess": { "Width": 64, "Height": 48 }""" + extra + " }");
        return path;
    }

    [Fact]
    public void Metadata_SlidingWindowOverTiledInput_RoundTrips()
    {
        var patch = s_whole with { Inference = InferenceMode.SlidingWindow, TiledInput = (256, 304) };

        var read = RoundTrip(patch);

        Assert.Equal((InferenceMode.SlidingWindow, (256, 304)), (read.Inference, read.TiledInput!.Value));
        Assert.Contains(ModelContractMetadata.Write(patch), static p => p is { Key: "medseg.inference", Value: "sliding-window" });
    }

    [Fact]
    public void Metadata_ResizeModel_WritesNoNewKeys_AndAFileWithoutThemReadsAsResize()
    {
        // A whole-image export's metadata stays as it was, so every .onnx written before the keys reads the same.
        var pairs = ModelContractMetadata.Write(s_whole);

        Assert.DoesNotContain(pairs, static p => p.Key is "medseg.inference" or "medseg.tiled_input");
        var read = RoundTrip(s_whole);
        Assert.Equal(InferenceMode.Resize, read.Inference);
        Assert.Null(read.TiledInput);
    }

    [Theory]
    [InlineData("", InferenceMode.Resize)]
    [InlineData(""", "inference": "resize" """, InferenceMode.Resize)]
    [InlineData(""", "inference": "sliding-window" """, InferenceMode.SlidingWindow)]
    public void Sidecar_Inference_DefaultsToResize(string extra, InferenceMode expected)
    {
        var c = ModelContractMetadata.ReadSidecar(Sidecar(extra));

        Assert.Equal(expected, c.Inference);
        Assert.Null(c.TiledInput);
    }

    [Fact]
    public void Sidecar_SlidingWindowWithTiledInput_Read()
    {
        var c = ModelContractMetadata.ReadSidecar(Sidecar(""", "inference": "sliding-window", "tiled_input": [640, 480] """));

        Assert.Equal((640, 480), c.TiledInput);
    }

    [Theory]
    [InlineData(""", "inference": "tiles" """, "'inference' is 'tiles': use resize | sliding-window")]
    [InlineData(""", "inference": "sliding-window", "tiled_input": [640] """, "'tiled_input' is [640]: use [width, height]")]
    [InlineData(""", "inference": "sliding-window", "tiled_input": [32, 480] """, "must hold one 64×48 window")]
    [InlineData(""", "tiled_input": [640, 480] """, "only for inference sliding-window")]
    public void Sidecar_BadInferenceKeys_OneLineNamingTheKey(string extra, string reason)
    {
        string path = Sidecar(extra);

        var e = Assert.Throws<ModelFormatException>(() => ModelContractMetadata.ReadSidecar(path));

        Assert.Contains(reason, e.Message);
        Assert.StartsWith(path, e.Message);
    }
}
