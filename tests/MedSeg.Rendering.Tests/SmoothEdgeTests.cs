using System.Numerics;
using MedSeg.Rendering.Context;
using CorePixelFormat = MedSeg.Core.Frames.PixelFormat;

namespace MedSeg.Rendering.Tests;

/// <summary>
/// A small binary mask drawn large: edges from the bilinear-upsampled probability thresholded in
/// the shader, checked against <see cref="ReferenceBlend.RenderSmooth"/> on real Mesa.
/// </summary>
public sealed class SmoothEdgeTests
{
    // A 16² mask in a 128×96 target: letterboxed into the middle 96², each texel covers 6 × 6 pixels.
    private const int M = 16, TW = 128, TH = 96, S = 96;
    private const float Margin = 0.02f;
    private static readonly Vector3 s_grey = new(100 / 255f);

    [Theory]
    [InlineData(OverlayMode.Filled, 0.5f)]
    [InlineData(OverlayMode.Filled, 0.3f)]
    [InlineData(OverlayMode.Contour, 0.5f)]
    public void Draw_SmallBinaryMaskDrawnLarge_FollowsTheThresholdedBilinearProbability(OverlayMode mode, float threshold)
    {
        var (prob, labels) = Lesion(threshold);
        var settings = new OverlaySettings { Mode = mode, Opacity = 0.6f, Threshold = threshold };
        var actual = DrawScaled(prob, labels, settings);

        var expected = ReferenceBlend.RenderSmooth(prob, M, M, S, S, s_grey, settings, Margin, out var ambiguous);
        int compared = AssertCloseOutside(expected, actual, ambiguous);
        Assert.True(compared > S * S * 9 / 10, $"only {compared} pixels were far enough from the threshold to compare");

        // And the picture really is smoother than the blocks: the nearest-texel labels would differ in many pixels.
        var blocks = DrawScaled(prob, labels, new OverlaySettings { Mode = mode, Opacity = 0.6f, Threshold = threshold, SmoothEdges = false });
        int differing = 0;
        for (int i = 0; i < blocks.Length; i += 3) if (blocks[i] != actual[i] || blocks[i + 2] != actual[i + 2]) differing++;
        Assert.True(differing > 100, $"smooth and block edges differ in only {differing} pixels");
    }

    [Fact]
    public void Draw_MultiClassMaskWithProbabilities_KeepsTheClassIds()
    {
        // A class id above 1: thresholding one probability cannot tell the classes apart, so the label path draws.
        var (prob, labels) = Lesion(0.5f);
        labels[0] = 2;
        var withProb = DrawScaled(prob, labels, new OverlaySettings { Opacity = 0.6f });
        var labelsOnly = DrawScaled(prob, labels, new OverlaySettings { Opacity = 0.6f, SmoothEdges = false });
        Assert.Equal(labelsOnly, withProb);
    }

    private static byte[] DrawScaled(float[] prob, byte[] labels, OverlaySettings settings)
    {
        var pixels = Enumerable.Repeat((byte)100, M * M).ToArray();
        using var target = HeadlessRenderTarget.Create(TW, TH);
        using var renderer = new OverlayRenderer(target.Gl);
        renderer.Upload(new RenderFrame(pixels, M, M, CorePixelFormat.Gray8, labels, M, M, prob));
        // The square image letterboxes into the middle of the target, so the bars are cleared around it.
        var rect = renderer.Draw(target.Framebuffer, TW, TH, settings);
        Assert.Equal(new ViewportRect((TW - S) / 2, 0, S, S), rect);
        return Crop(Headless.ReadRgb(target), TW, rect);
    }

    /// <summary>A lesion-like blob: a smooth radial probability, and the labels the pipeline would make from it.</summary>
    private static (float[] Prob, byte[] Labels) Lesion(float threshold)
    {
        var prob = new float[M * M];
        var labels = new byte[M * M];
        for (int y = 0; y < M; y++)
        for (int x = 0; x < M; x++)
        {
            double dx = x - 7.3, dy = (y - 8.1) * 1.4;
            double p = 1 / (1 + Math.Exp((Math.Sqrt(dx * dx + dy * dy) - 4.6) * 1.3));
            prob[y * M + x] = (float)p;
            labels[y * M + x] = p >= threshold ? (byte)1 : (byte)0;
        }
        return (prob, labels);
    }

    private static byte[] Crop(byte[] rgb, int width, ViewportRect rect)
    {
        // rgb is top row first; the rect is in GL's bottom-left convention.
        int height = rgb.Length / 3 / width;
        var crop = new byte[rect.Width * rect.Height * 3];
        for (int y = 0; y < rect.Height; y++)
        {
            int sourceRow = height - rect.Y - rect.Height + y;
            Array.Copy(rgb, (sourceRow * width + rect.X) * 3, crop, y * rect.Width * 3, rect.Width * 3);
        }
        return crop;
    }

    private static int AssertCloseOutside(byte[] expected, byte[] actual, bool[] skip, int tolerance = 2)
    {
        Assert.Equal(expected.Length, actual.Length);
        int compared = 0, bad = 0, first = -1;
        for (int p = 0; p < skip.Length; p++)
        {
            if (skip[p]) continue;
            compared++;
            for (int c = 0; c < 3; c++)
            {
                if (Math.Abs(expected[p * 3 + c] - actual[p * 3 + c]) <= tolerance) continue;
                if (bad++ == 0) first = p;
                break;
            }
        }
        int side = (int)Math.Sqrt(skip.Length);
        Assert.True(bad == 0, $"{bad} of {compared} pixels differ; first at x={first % side}, y={first / side}: " +
            $"expected {(first < 0 ? "" : $"{expected[first * 3]},{expected[first * 3 + 1]},{expected[first * 3 + 2]}")}, " +
            $"got {(first < 0 ? "" : $"{actual[first * 3]},{actual[first * 3 + 1]},{actual[first * 3 + 2]}")}");
        return compared;
    }
}
