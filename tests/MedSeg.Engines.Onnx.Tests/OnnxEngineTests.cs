using Google.Protobuf;
using MedSeg.Core.Inference;
using MedSeg.Model;
using MedSeg.Model.Onnx;

namespace MedSeg.Engines.Onnx.Tests;

public sealed class OnnxEngineTests
{
    [Fact]
    public void ForeignModel_WithSidecar_MatchesTorch()
    {
        // A graph made "elsewhere": logits out, no MedSeg metadata; the sidecar states classes and preprocessing.
        var (model, info) = TestNets.Create(3, Upsampling.Bilinear, 32, 24, seed: 11);
        using var _ = model;
        var proto = UNetOnnxExporter.Export(model, info, new OnnxExportOptions { Head = OutputHead.Logits, DynamicBatch = true });
        proto.MetadataProps.Clear();
        string dir = Directory.CreateTempSubdirectory("medseg-foreign-").FullName;
        try
        {
            string path = Path.Combine(dir, "monai.onnx");
            File.WriteAllBytes(path, proto.ToByteArray());
            File.WriteAllText(path + ".json", """
                { "class_names": ["background", "liver", "tumour"], "head": "logits",
                  "preprocess": { "Width": 32, "Height": 24, "Normalization": "ZScore" } }
                """);
            using var engine = OnnxEngine.Load(path, new OnnxEngineOptions { MaxBatch = 2, Warmup = 0 });
            Assert.Equal(["background", "liver", "tumour"], engine.Contract.ClassNames);
            Assert.Equal(MedSeg.Imaging.Preprocess.Normalization.ZScore, engine.Contract.Preprocess.Normalization);
            var input = TestNets.Input(2, 1, 24, 32, seed: 4);
            var (tLabels, tFg, tProbs) = TestNets.Torch(model, input, 2, info);
            var labels = new byte[tLabels.Length];
            var fg = new float[tFg.Length];
            engine.Infer(input, 2, labels, fg);
            for (int i = 0; i < labels.Length; i++)
            {
                Assert.True(Math.Abs(fg[i] - tFg[i]) <= 1e-4, $"foreground {i}");
                Assert.True(labels[i] == tLabels[i] || TestNets.Ambiguous(tProbs, i / (32 * 24), i % (32 * 24), 3, 32 * 24, 0.5), $"label {i}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void FixedBatchGraph_RunsLargerBatchesInSteps()
    {
        var (model, info) = TestNets.Create(2, Upsampling.Transposed, 32, 32, seed: 2);
        using var _ = model;
        var one = OnnxEngine.FromBytes(TestNets.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels }),
                                       new OnnxEngineOptions { MaxBatch = 3, Warmup = 0 }, "b1.onnx");
        using var __ = one;
        var input = TestNets.Input(3, 1, 32, 32, seed: 8);
        var (tLabels, tFg, _) = TestNets.Torch(model, input, 3, info);
        var labels = new byte[tLabels.Length];
        var fg = new float[tFg.Length];
        one.Infer(input, 3, labels, fg);
        for (int i = 0; i < fg.Length; i++) Assert.True(Math.Abs(fg[i] - tFg[i]) <= 1e-4, $"foreground {i}: {fg[i]} vs {tFg[i]}");
    }

    [Fact]
    public void ThresholdOverride_RethresholdsALabelsHead()
    {
        var (model, info) = TestNets.Create(2, Upsampling.Transposed, 32, 32, seed: 3);
        using var _ = model;
        byte[] onnx = TestNets.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels, DynamicBatch = true });
        using var engine = OnnxEngine.FromBytes(onnx, new OnnxEngineOptions { MaxBatch = 1, Warmup = 0, Threshold = 0.9 }, "t.onnx");
        var input = TestNets.Input(1, 1, 32, 32, seed: 1);
        var labels = new byte[32 * 32];
        var fg = new float[32 * 32];
        engine.Infer(input, 1, labels, fg);
        for (int i = 0; i < fg.Length; i++) Assert.Equal(fg[i] > 0.9f ? 1 : 0, labels[i]);
    }

    [Fact]
    public void Infer_SteadyState_AllocatesNothingManaged()
    {
        var (model, info) = TestNets.Create(4, Upsampling.Bilinear, 32, 32, seed: 4);
        using var _ = model;
        using var engine = OnnxEngine.FromBytes(TestNets.Export(model, info, new OnnxExportOptions { Head = OutputHead.Labels, DynamicBatch = true }),
                                                new OnnxEngineOptions { MaxBatch = 4, Warmup = 1, Threads = 1 }, "a.onnx");
        var input = TestNets.Input(4, 1, 32, 32, seed: 2);
        var labels = new byte[4 * 32 * 32];
        var fg = new float[4 * 32 * 32];
        for (int b = 1; b <= 4; b++) engine.Infer(input, b, labels, fg); // first use of each binding
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int calls = 40;
        for (int i = 0; i < calls; i++) engine.Infer(input, 1 + i % 4, labels, fg);
        long perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Assert.True(perCall < 64, $"{perCall} managed bytes per Infer call");
    }
}
