using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>
/// The U-Net is defined once, by the C# modules (UNet, UNetParts); the TorchScript forward
/// (ScriptedUNet) and the ONNX writer (UNetGraphWriter) each walk it by state-dict name. These
/// tests fail the moment either would drift: a parameter the modules gain that a walker does not
/// read, or a name a walker reads that the modules no longer have. The numbers themselves are
/// held equal by the parity tests (ONNX) and ScriptedUNetTests (TorchScript).
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

        var scripted = ScriptedUNet.WeightNames(folded.Options).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(parameters, scripted);

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
}
