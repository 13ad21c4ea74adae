using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>
/// The U-Net is defined once, by the C# modules (UNet, UNetParts, walked by UNet.Trace): the
/// forward pass, the ONNX writer (UNetGraphWriter) and the generated TorchScript (ScriptedUNet,
/// MedSeg.Engines.Torch.Tests) all trace the same wiring, each layer's attributes read from its
/// module. These tests fail the moment the ONNX writer could drift: a parameter the modules gain
/// that it does not write, an initializer no node reads, a layer type it has no mapping for. The
/// numbers themselves are held equal by the parity tests.
/// </summary>
public sealed class NetworkDefinitionTests
{
    [Theory]
    [InlineData(1, Upsampling.Transposed, 2)]
    [InlineData(2, Upsampling.Bilinear, 3)]
    [InlineData(4, Upsampling.Transposed, 5)]
    [InlineData(5, Upsampling.Bilinear, 2)]
    public void EveryWalker_ReadsExactlyTheModulesParameters(int depth, Upsampling up, int classes)
    {
        var options = new UNetOptions
        {
            Depth = depth, BaseWidth = 4, Upsampling = up, BatchNorm = true,
            ClassNames = [.. Enumerable.Range(0, classes).Select(static i => $"c{i}")],
        };
        using var model = new UNet(options);
        using var folded = BatchNormFolding.Fold(model);
        var parameters = folded.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();

        int size = 1 << depth;
        var info = new CheckpointInfo { Model = options, Preprocess = new() { Width = Math.Max(8, 3 * size), Height = Math.Max(8, 2 * size + 1) } };
        var proto = UNetOnnxExporter.Export(model, info, new OnnxExportOptions());
        var exported = proto.Graph.Initializer.Select(static t => t.Name).Where(static n => n.EndsWith(".weight") || n.EndsWith(".bias"))
                            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(parameters, exported);
        // Every initializer is read by some node: nothing exported is left dangling.
        var read = proto.Graph.Node.SelectMany(static n => n.Input).ToHashSet();
        Assert.All(proto.Graph.Initializer, t => Assert.Contains(t.Name, read));
    }

    [Fact]
    public void Writer_LayerItHasNoMappingFor_Throws()
    {
        // A layer type added to the modules without an ONNX mapping is an error, not a silent gap.
        using var model = new UNet(new UNetOptions { Depth = 1, BaseWidth = 4, BatchNorm = false });
        using var tanh = TorchSharp.torch.nn.Tanh();
        var writer = new UNetGraphWriter(new OnnxGraphBuilder("g"), model);
        var e = Assert.Throws<NotSupportedException>(() => writer.Layer("inc.double_conv.7", tanh, new UNetGraphWriter.Value("x", 8, 8)));
        Assert.Contains("inc.double_conv.7", e.Message);
    }
}
