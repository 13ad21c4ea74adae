using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using MedSeg.Onnx.Quantization;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>The shipped model exported fp32 and int8 (calibrated on 16 images of its own training data), once for the class.</summary>
public sealed class DefaultModelInt8 : IDisposable
{
    public const string Eval = "synthetic:lesion?n=12&size=128&seed=7";

    public DefaultModelInt8()
    {
        string ckpt = Path.Combine(OnnxParityTests.RepoRoot(), "models", "lesion-unet16.ckpt");
        Info = Checkpoint.ReadInfo(ckpt);
        Float = UNetOnnxExporter.ExportCheckpoint(ckpt, new OnnxExportOptions { Head = OutputHead.Labels, DynamicBatch = true });
        var (frames, source) = CalibrationFrames.Load(null, Info, TensorLayout.Nchw, count: 16);
        Calibration = source;
        Int8 = QdqQuantizer.Quantize(Float, frames, calibration: source);
        File = Path.Combine(Path.GetTempPath(), $"medseg-int8-{Environment.ProcessId}.onnx");
        UNetOnnxExporter.Save(Int8, File);
    }

    public CheckpointInfo Info { get; }
    public ModelProto Float { get; }
    public ModelProto Int8 { get; }
    public string Calibration { get; }
    public string File { get; }

    public void Dispose() => System.IO.File.Delete(File);
}

public sealed class QdqQuantizerTests(DefaultModelInt8 m) : IClassFixture<DefaultModelInt8>
{
    [Fact]
    public void Int8Graph_PassesOnnxChecker()
    {
        var (code, output) = OnnxExportTests.Python($"import onnx; m = onnx.load(r'{m.File}'); onnx.checker.check_model(m, full_check=True); " +
                                                    "print(sum(n.op_type == 'QuantizeLinear' for n in m.graph.node), sum(n.op_type == 'DequantizeLinear' for n in m.graph.node))");
        Assert.True(code == 0, output);
        var counts = output.Trim().Split(' ').Select(int.Parse).ToArray();
        Assert.True(counts[0] > 10, output);
        Assert.True(counts[1] > counts[0], output); // one DQ per Q, plus one per weight and bias
    }

    [Fact]
    public void ConvWeights_AreInt8_OneScalePerOutputChannel()
    {
        var init = m.Int8.Graph.Initializer.ToDictionary(static t => t.Name);
        var convs = m.Int8.Graph.Node.Where(static n => n.OpType == "Conv").ToList();
        Assert.NotEmpty(convs);
        foreach (var conv in convs)
        {
            var dq = m.Int8.Graph.Node.Single(n => n.Output[0] == conv.Input[1]);
            Assert.Equal("DequantizeLinear", dq.OpType);
            var w = init[dq.Input[0]];
            Assert.Equal((int)TensorProto.Types.DataType.Int8, w.DataType);
            Assert.Equal(w.Dims[0], init[dq.Input[1]].Dims.Single()); // per channel, axis 0
            Assert.Equal(0, dq.Attribute.Single(static a => a.Name == "axis").I);
        }
        // Float weights are gone: the file is the int8 one, not both.
        Assert.DoesNotContain(m.Int8.Graph.Initializer, static t => t.Name.EndsWith(".weight", StringComparison.Ordinal));
        Assert.Equal("int8", QdqQuantizer.PrecisionOf(m.Int8));
        Assert.Contains(m.Int8.MetadataProps, p => p.Key == QdqQuantizer.CalibrationKey && p.Value.Contains("synthetic:lesion"));
    }

    [Fact]
    public void OnnxRuntime_FusesTheBodyIntoInt8Kernels()
    {
        // ONNX Runtime writes the graph it will run: the QDQ groups must have become integer convolutions.
        string optimized = m.File + ".opt.onnx";
        try
        {
            using (var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized })
            using (new InferenceSession(m.File, so)) { }
            var ran = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized));
            int floatConvs = m.Float.Graph.Node.Count(static n => n.OpType == "Conv");
            int qlinear = ran.Graph.Node.Count(static n => n.OpType == "QLinearConv");
            // Every convolution but the 1×1 output layer (float, so the head decides on unquantized logits).
            Assert.Equal(floatConvs - 1, qlinear);
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    [Fact]
    public void Int8Labels_AgreeWithFp32_OnTheEvalSet()
    {
        // Stated bound: at least 99 % of pixels keep their fp32 label on 12 unseen synthetic frames.
        var (frames, _) = CalibrationFrames.Load(DefaultModelInt8.Eval, m.Info, TensorLayout.Nchw, count: 12);
        var opts = new OnnxEngineOptions { MaxBatch = 1, Warmup = 0, Threads = 1 };
        using var fp32 = OnnxEngine.FromBytes(m.Float.ToByteArray(), opts, "fp32.onnx");
        using var int8 = OnnxEngine.Load(m.File, opts);
        int plane = m.Info.Preprocess.Width * m.Info.Preprocess.Height;
        var a = new byte[plane];
        var b = new byte[plane];
        long same = 0, foreground = 0;
        foreach (var f in frames)
        {
            fp32.Infer(f, 1, a, []);
            int8.Infer(f, 1, b, []);
            for (int i = 0; i < plane; i++)
            {
                if (a[i] == b[i]) same++;
                if (a[i] != 0) foreground++;
            }
        }
        double agreement = (double)same / (frames.Count * plane);
        Assert.True(agreement >= 0.99, $"int8 agrees with fp32 on {agreement:P3} of pixels");
        Assert.True(foreground > 0); // the comparison covered lesions, not only background
    }

    [Fact]
    public void Quantize_RefusesAQuantizedModel_AndNeedsFrames()
    {
        Assert.Throws<ArgumentException>(() => QdqQuantizer.Quantize(m.Int8, [new float[128 * 128]]));
        Assert.Throws<ArgumentException>(() => QdqQuantizer.Quantize(m.Float, []));
        Assert.Throws<ArgumentException>(() => QdqQuantizer.Quantize(m.Float, [new float[7]]));
    }

    [Fact]
    public void Percentile_NarrowsTheRangeOfAnOutlier()
    {
        // One frame with a single huge pixel: min/max spends the input's whole scale on it; the 99 % percentile does not.
        var frames = Enumerable.Range(0, 4).Select(static s => TestNets.Input(1, 1, 128, 128, seed: s)).ToList();
        frames[0][5] = 1000f;
        float InputScale(ModelProto q) =>
            BitConverter.ToSingle(q.Graph.Initializer.Single(static t => t.Name == UNetOnnxExporter.InputName + "_scale").RawData.Span);
        float minmax = InputScale(QdqQuantizer.Quantize(m.Float, frames));
        float percentile = InputScale(QdqQuantizer.Quantize(m.Float, frames, new QuantizationOptions { Method = CalibrationMethod.Percentile, Percentile = 99 }));
        Assert.Equal(1000f / 255f, minmax, 1e-3);
        Assert.True(percentile < 2f / 255f, $"percentile scale {percentile}");
    }

    [Fact]
    public void CalibrationFrames_Window_TheTilersWindowsInTurn()
    {
        // A patch graph of 64² over the 128² input: windows start at 0, 32, 64 per axis, 9 in all.
        var (whole, _) = CalibrationFrames.Load(DefaultModelInt8.Eval, m.Info, TensorLayout.Nchw, count: 2);
        var (windows, _) = CalibrationFrames.Load(DefaultModelInt8.Eval, m.Info, TensorLayout.Nchw, count: 2, window: 64);

        Assert.All(windows, static w => Assert.Equal(64 * 64, w.Length));
        for (int y = 0; y < 64; y++)
        {
            Assert.Equal(whole[0].AsSpan(y * 128, 64).ToArray(), windows[0].AsSpan(y * 64, 64).ToArray());            // window 0: (0, 0)
            Assert.Equal(whole[1].AsSpan(y * 128 + 32, 64).ToArray(), windows[1].AsSpan(y * 64, 64).ToArray());       // window 1: (0, 32)
        }
    }
}
