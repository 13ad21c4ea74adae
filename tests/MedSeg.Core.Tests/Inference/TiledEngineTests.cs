using MedSeg.Core.Inference;
using MedSeg.Imaging.Preprocess;

namespace MedSeg.Core.Tests.Inference;

public sealed class TiledEngineTests
{
    /// <summary>A patch "network" whose class probabilities are a pure function of each input pixel, so any
    /// correct weighted average of overlapping windows gives back exactly that function of the frame.</summary>
    private sealed class PixelwiseEngine(int patch, int classes, int maxBatch, int? patchWidth = null) : IProbabilityEngine
    {
        public List<int> Batches { get; } = [];
        public ModelContract Contract { get; } = new ModelContract
        {
            Model = "pixelwise", ClassNames = [.. Enumerable.Range(0, classes).Select(static c => $"c{c}")],
            Preprocess = new PreprocessOptions { Width = patchWidth ?? patch, Height = patch },
        }.Validate();
        public EngineDescription Description => new("pixelwise", "cpu", 1, patch, patchWidth ?? patch, Contract.ClassNames, 1);
        public int MaxBatch => maxBatch;

        public void InferProbabilities(ReadOnlySpan<float> input, int batch, Span<float> probabilities)
        {
            Batches.Add(batch);
            int plane = patch * (patchWidth ?? patch), k = Contract.OutputChannels;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < plane; i++)
                {
                    float v = input[n * plane + i];
                    if (k == 1) probabilities[n * plane + i] = v;
                    else for (int c = 0; c < k; c++) probabilities[(n * k + c) * plane + i] = c == (int)(v * k) % k ? 0.9f : 0.1f / (k - 1);
                }
        }

        public void Infer(ReadOnlySpan<float> input, int batch, Span<byte> labels, Span<float> foreground) => throw new NotSupportedException();
        public void Dispose() { }
    }

    private static float[] Frames(int batch, int w, int h)
    {
        var rng = new Random(2);
        return [.. Enumerable.Range(0, batch * w * h).Select(_ => (float)rng.NextDouble())];
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Infer_PixelwiseModel_EveryPixelAsIfTheWholeFrameWereOneWindow(int classes)
    {
        // 40×24 frames, 16² patches: windows at x 0, 8, 16, 24 and y 0, 8 (4 × 2 = 8 per frame).
        var inner = new PixelwiseEngine(16, classes, maxBatch: 5);
        using var tiled = new TiledEngine(inner, new PreprocessOptions { Width = 40, Height = 24 }, maxBatch: 2);
        var input = Frames(2, 40, 24);
        var labels = new byte[2 * 40 * 24];
        var foreground = new float[labels.Length];

        tiled.Infer(input, 2, labels, foreground);

        Assert.Equal(8, tiled.Windows);
        Assert.Equal([5, 5, 5, 1], inner.Batches); // 16 windows of both frames share the inner batches
        for (int i = 0; i < labels.Length; i++)
        {
            float v = input[i];
            byte expected = classes == 2 ? (byte)(v > 0.5 ? 1 : 0) : (byte)((int)(v * classes) % classes);
            Assert.Equal(expected, labels[i]);
            Assert.Equal(classes == 2 ? v : 1 - (expected == 0 ? 0.9f : 0.1f / (classes - 1)), foreground[i], 5);
        }
        Assert.Equal((40, 24, 16), (tiled.Contract.Width, tiled.Contract.Height, tiled.Contract.Patch));
    }

    [Fact]
    public void Infer_RectangularWindow_EveryPixelAsIfTheWholeFrameWereOneWindow()
    {
        // A fixed-input graph need not be square: 40×24 frames in 24 wide × 16 high windows (x 0, 8, 16; y 0, 8).
        var inner = new PixelwiseEngine(16, 2, maxBatch: 3, patchWidth: 24);
        using var tiled = new TiledEngine(inner, new PreprocessOptions { Width = 40, Height = 24 }, maxBatch: 1);
        var input = Frames(1, 40, 24);
        var labels = new byte[40 * 24];
        var foreground = new float[labels.Length];

        tiled.Infer(input, 1, labels, foreground);

        Assert.Equal(6, tiled.Windows);
        Assert.Contains("tiled 6 × 24×16", tiled.Description.Model);
        Assert.Equal(0, tiled.Contract.Patch);
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(input[i] > 0.5 ? 1 : 0, labels[i]);
            Assert.Equal(input[i], foreground[i], 5);
        }
    }

    [Fact]
    public void Create_PatchLargerThanTheFrame_Refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TiledEngine(new PixelwiseEngine(32, 2, 1), new PreprocessOptions { Width = 40, Height = 24 }, 1));
    }

    [Fact]
    public void Metadata_Patch_RoundTrips()
    {
        var contract = new PixelwiseEngine(16, 2, 1).Contract with { Patch = 16 };

        var read = ModelContractMetadata.Read(ModelContractMetadata.Write(contract).ToDictionary(static p => p.Key, static p => p.Value), "test");

        Assert.Equal(16, read.Patch);
        Assert.DoesNotContain(ModelContractMetadata.Write(contract with { Patch = 0 }), p => p.Key.EndsWith("patch", StringComparison.Ordinal));
    }
}
