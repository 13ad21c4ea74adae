using System.Diagnostics;
using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>Exported graphs validated by the ONNX project's own checker (Debian python3-onnx), and the metadata round trip.</summary>
public sealed class OnnxExportTests
{
    [Theory]
    [InlineData(2, Upsampling.Transposed, TensorLayout.Nchw, OutputHead.Labels, false, 17)]
    [InlineData(4, Upsampling.Bilinear, TensorLayout.Nhwc, OutputHead.Probs, true, 17)]
    [InlineData(3, Upsampling.Transposed, TensorLayout.Nhwc, OutputHead.Logits, true, 13)]
    [InlineData(2, Upsampling.Bilinear, TensorLayout.Nchw, OutputHead.Probs, true, 15)]
    public void Export_PassesOnnxChecker(int classes, Upsampling up, TensorLayout layout, OutputHead head, bool dynamic, int opset)
    {
        var (model, info) = TestNets.Create(classes, up, 37, 29);
        using var _ = model;
        string path = Path.Combine(Path.GetTempPath(), $"medseg-check-{Environment.ProcessId}-{classes}{up}{layout}{head}.onnx");
        try
        {
            File.WriteAllBytes(path, TestNets.Export(model, info, new OnnxExportOptions { Layout = layout, Head = head, DynamicBatch = dynamic, Opset = opset }));
            // full_check also runs ONNX shape inference, so every declared output shape is checked against the ops.
            var (code, output) = Python($"import onnx; m = onnx.load(r'{path}'); onnx.checker.check_model(m, full_check=True); " +
                                        "print(m.opset_import[0].version, [o.name for o in m.graph.output])");
            Assert.True(code == 0, output);
            Assert.StartsWith($"{opset} ", output);
            Assert.Contains(head == OutputHead.Labels ? "'labels', 'foreground'" : $"'{head.ToString().ToLowerInvariant()}'", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Checker_RejectsABrokenGraph()
    {
        // The checker test above must be able to fail: a node reading a value nothing makes.
        var (model, info) = TestNets.Create(2, Upsampling.Transposed, 32, 32);
        using var _ = model;
        var proto = UNetOnnxExporter.Export(model, info, new OnnxExportOptions());
        proto.Graph.Node[3].Input[0] = "nowhere";
        string path = Path.Combine(Path.GetTempPath(), $"medseg-broken-{Environment.ProcessId}.onnx");
        try
        {
            File.WriteAllBytes(path, proto.ToByteArray());
            var (code, output) = Python($"import onnx; onnx.checker.check_model(onnx.load(r'{path}'), full_check=True)");
            Assert.NotEqual(0, code);
            Assert.Contains("nowhere", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Metadata_RoundTripsThroughOnnxRuntime()
    {
        var (model, info) = TestNets.Create(4, Upsampling.Bilinear, 40, 24, channels: 3);
        using var _ = model;
        var options = new OnnxExportOptions { Layout = TensorLayout.Nhwc, Head = OutputHead.Logits, Threshold = 0.3 };
        var expected = UNetOnnxExporter.Contract(info, options, "feedface");
        using var session = new InferenceSession(TestNets.Export(model, info, options));
        var read = ModelContractMetadata.Read(session.ModelMetadata.CustomMetadataMap, "test.onnx");
        Assert.Equal(expected.ClassNames, read.ClassNames);
        Assert.Equal(expected.ClassColors, read.ClassColors);
        Assert.Equal(expected.Preprocess, read.Preprocess);
        Assert.Equal(0.3, read.Threshold);
        Assert.Equal("feedface", read.CheckpointSha256);
        Assert.Equal(TensorLayout.Nhwc, read.Layout);
        Assert.Equal(OutputHead.Logits, read.Head);
        Assert.Equal(expected.GflopPerFrame, read.GflopPerFrame);
        Assert.Equal(info.Model.Describe(), read.Model);
        Assert.Equal(expected with { ClassNames = read.ClassNames, ClassColors = read.ClassColors }, read);
    }

    [Fact]
    public void Export_WindowSmallerThanTheInput_APatchGraphThatStatesWhereItsWindowsAreCut()
    {
        // A checkpoint trained on 16² patches of 40×24 inputs: the graph takes the patch; its windows
        // come from images resized to 40×24, as the checkpoint's own tiler cuts them.
        var (model, info) = TestNets.Create(2, Upsampling.Bilinear, 40, 24);
        using var _ = model;
        var proto = UNetOnnxExporter.Export(model, info with { Patch = 16 }, new OnnxExportOptions { Window = UNetOnnxExporter.TrainedWindow(info with { Patch = 16 }) });
        using var session = new InferenceSession(proto.ToByteArray());
        var read = ModelContractMetadata.Read(session.ModelMetadata.CustomMetadataMap, "test.onnx");

        Assert.Equal([1, 1, 16, 16], session.InputMetadata[UNetOnnxExporter.InputName].Dimensions);
        Assert.Equal((16, 16), (read.Width, read.Height));
        Assert.Equal((InferenceMode.SlidingWindow, (40, 24)), (read.Inference, read.TiledInput!.Value));
        Assert.Equal(WindowRule.ForCheckpoint(info.Preprocess, 16).For(null), WindowRule.ForGraph(read).For((400, 240)));
        // A whole-image checkpoint exports at its input, a resize model as every export before these keys.
        Assert.Null(UNetOnnxExporter.TrainedWindow(info));
        Assert.Equal(InferenceMode.Resize, UNetOnnxExporter.Contract(info, new OnnxExportOptions()).Inference);
    }

    internal static (int Code, string Output) Python(string code)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(code);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }
}
