using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MedSeg.Engines.Onnx.Tests;

/// <summary>
/// The exported graph run by ONNX Runtime against the eager TorchSharp forward on the same
/// weights (batch norm unfolded there, folded in the export): identical labels, probabilities
/// within 1e-4.
/// </summary>
public sealed class OnnxParityTests
{
    private const double Tolerance = 1e-4;

    [Theory]
    // classes, upsampling, width, height, channels, batch, layout, head, dynamic batch
    [InlineData(2, Upsampling.Transposed, 32, 32, 1, 1, TensorLayout.Nchw, OutputHead.Labels, false)]
    [InlineData(2, Upsampling.Bilinear, 37, 45, 1, 4, TensorLayout.Nchw, OutputHead.Labels, true)]
    [InlineData(4, Upsampling.Transposed, 45, 37, 1, 4, TensorLayout.Nhwc, OutputHead.Labels, true)]
    [InlineData(4, Upsampling.Bilinear, 40, 24, 3, 1, TensorLayout.Nhwc, OutputHead.Probs, false)]
    [InlineData(3, Upsampling.Bilinear, 33, 33, 3, 4, TensorLayout.Nchw, OutputHead.Logits, true)]
    [InlineData(2, Upsampling.Transposed, 29, 31, 1, 4, TensorLayout.Nhwc, OutputHead.Probs, false)]
    [InlineData(2, Upsampling.Bilinear, 24, 40, 3, 4, TensorLayout.Nchw, OutputHead.Logits, false)]
    public void Engine_MatchesTorchForward(int classes, Upsampling up, int width, int height, int channels, int batch,
                                           TensorLayout layout, OutputHead head, bool dynamicBatch)
    {
        var (model, info) = TestNets.Create(classes, up, width, height, channels, seed: classes * 7 + width);
        using var _ = model;
        var input = TestNets.Input(batch, channels, height, width, seed: height);
        var (tLabels, tFg, tProbs) = TestNets.Torch(model, input, batch, info);
        if (classes == 2)
        {
            // A random net's probabilities need not straddle 0.5: threshold at their median, so both labels occur.
            info = info with { Threshold = Math.Clamp(tFg.Order().ElementAt(tFg.Length / 2), 0.01, 0.99) };
            (tLabels, tFg, tProbs) = TestNets.Torch(model, input, batch, info);
        }

        byte[] onnx = TestNets.Export(model, info, new OnnxExportOptions { Layout = layout, Head = head, DynamicBatch = dynamicBatch });
        using var engine = OnnxEngine.FromBytes(onnx, new OnnxEngineOptions { MaxBatch = batch, Threads = 1, Warmup = 0 }, "test.onnx");
        int plane = width * height;
        var labels = new byte[batch * plane];
        var fg = new float[batch * plane];
        // NHWC graphs take N×H×W×C; the engine is fed the pipeline's N×C×H×W and transposes itself.
        engine.Infer(input, batch, labels, fg);

        int k = info.Model.OutChannels, ambiguous = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.True(Math.Abs(fg[i] - tFg[i]) <= Tolerance, $"foreground {i}: onnx {fg[i]} torch {tFg[i]}");
            if (labels[i] == tLabels[i]) continue;
            Assert.True(TestNets.Ambiguous(tProbs, i / plane, i % plane, k, plane, info.Threshold), $"label {i}: onnx {labels[i]} torch {tLabels[i]}");
            ambiguous++;
        }
        Assert.True(ambiguous <= labels.Length / 1000, $"{ambiguous} labels differ on decision boundaries");
        Assert.Contains(tLabels, static l => l != 0); // the comparison covered foreground, not only background
    }

    [Theory]
    // classes, layout, head: every way an output reaches NCHW probabilities (eval --engine onnx)
    [InlineData(2, TensorLayout.Nchw, OutputHead.Probs)]
    [InlineData(2, TensorLayout.Nhwc, OutputHead.Logits)]
    [InlineData(4, TensorLayout.Nhwc, OutputHead.Probs)]
    [InlineData(3, TensorLayout.Nchw, OutputHead.Logits)]
    public void InferProbabilities_MatchTorchProbabilities(int classes, TensorLayout layout, OutputHead head)
    {
        const int batch = 3, width = 24, height = 20;
        var (model, info) = TestNets.Create(classes, Upsampling.Transposed, width, height, seed: classes + 11);
        using var _ = model;
        var input = TestNets.Input(batch, 1, height, width, seed: 5);
        var (_, _, tProbs) = TestNets.Torch(model, input, batch, info);
        byte[] onnx = TestNets.Export(model, info, new OnnxExportOptions { Layout = layout, Head = head, DynamicBatch = true });
        using var engine = OnnxEngine.FromBytes(onnx, new OnnxEngineOptions { MaxBatch = 2, Threads = 1, Warmup = 0 }, "test.onnx");
        var probs = new float[tProbs.Length];

        // Three frames on a MaxBatch-2 engine: the caller splits, so the engine sees 2 then 1.
        int frame = tProbs.Length / batch;
        engine.InferProbabilities(input.AsSpan(0, 2 * input.Length / batch), 2, probs.AsSpan(0, 2 * frame));
        engine.InferProbabilities(input.AsSpan(2 * input.Length / batch), 1, probs.AsSpan(2 * frame));

        for (int i = 0; i < probs.Length; i++)
            Assert.True(Math.Abs(probs[i] - tProbs[i]) <= Tolerance, $"probability {i}: onnx {probs[i]} torch {tProbs[i]}");
    }

    [Fact]
    public void InferProbabilities_MultiClassLabelsHead_SaysToExportProbs()
    {
        var (model, info) = TestNets.Create(3, Upsampling.Transposed, 16, 16, seed: 2);
        using var _ = model;
        byte[] onnx = TestNets.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels });
        using var engine = OnnxEngine.FromBytes(onnx, new OnnxEngineOptions { MaxBatch = 1, Threads = 1, Warmup = 0 }, "test.onnx");
        var e = Assert.Throws<NotSupportedException>(() => engine.InferProbabilities(new float[256], 1, new float[3 * 256]));
        Assert.Contains("probs head", e.Message);
    }

    [Fact]
    public void BareOrtSession_ProbsOfShippedModel_MatchTorch()
    {
        // The shipped checkpoint, exported, in a plain InferenceSession: no project code between the file and ONNX Runtime.
        string ckpt = Path.Combine(RepoRoot(), "models", "lesion-unet16.ckpt");
        var (model, info) = Checkpoint.Load(ckpt);
        using var _ = model;
        model.eval();
        var p = info.Preprocess;
        var input = TestNets.Input(2, p.Channels, p.Height, p.Width, seed: 3);
        var (_, _, tProbs) = TestNets.Torch(model, input, 2, info);
        string path = Path.Combine(Path.GetTempPath(), $"medseg-bare-{Environment.ProcessId}.onnx");
        try
        {
            UNetOnnxExporter.Save(UNetOnnxExporter.ExportCheckpoint(ckpt, new OnnxExportOptions { DynamicBatch = true }), path);
            using var session = new InferenceSession(path);
            using var x = OrtValue.CreateTensorValueFromMemory(input, [2, p.Channels, p.Height, p.Width]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, [UNetOnnxExporter.InputName], [x], [OnnxHeadWriter.ProbsOutput]);
            var probs = outputs[0].GetTensorDataAsSpan<float>();
            Assert.Equal(tProbs.Length, probs.Length);
            for (int i = 0; i < probs.Length; i++) Assert.True(Math.Abs(probs[i] - tProbs[i]) <= Tolerance, $"prob {i}: onnx {probs[i]} torch {tProbs[i]}");
            Assert.Equal(Checkpoint.Hash(ckpt), session.ModelMetadata.CustomMetadataMap["medseg.checkpoint_sha256"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MedSeg.Realtime.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
