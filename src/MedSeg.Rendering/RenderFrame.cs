using MedSeg.Core.Frames;

namespace MedSeg.Rendering;

/// <summary>
/// One image and its segmentation, as spans, for <see cref="OverlayRenderer.Upload(in RenderFrame)"/>.
/// The renderer copies the data into textures during the call; the spans may be reused afterwards.
/// </summary>
/// <param name="Pixels">Image rows, top row first, packed (no padding), in <paramref name="Format"/>.</param>
/// <param name="Labels">Class id per mask pixel, <paramref name="MaskWidth"/> × <paramref name="MaskHeight"/>, top row first; empty = no mask.</param>
/// <param name="Foreground">Foreground probability per mask pixel (0..1); empty = none (the heat map then shows labelled pixels as 1).</param>
public readonly ref struct RenderFrame(
    ReadOnlySpan<byte> Pixels, int Width, int Height, PixelFormat Format,
    ReadOnlySpan<byte> Labels, int MaskWidth, int MaskHeight, ReadOnlySpan<float> Foreground = default)
{
    public ReadOnlySpan<byte> Pixels { get; } = Pixels;
    public int Width { get; } = Width;
    public int Height { get; } = Height;
    public PixelFormat Format { get; } = Format;
    public ReadOnlySpan<byte> Labels { get; } = Labels;
    public int MaskWidth { get; } = MaskWidth;
    public int MaskHeight { get; } = MaskHeight;
    public ReadOnlySpan<float> Foreground { get; } = Foreground;

    /// <summary>A pipeline frame's image, labels and probabilities (labels are at the model's output size).</summary>
    public static RenderFrame From(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var info = frame.Info;
        return new RenderFrame(frame.ReadOnlyPixels, info.Width, info.Height, info.Format,
            frame.ReadOnlyLabels, frame.OutputWidth, frame.OutputHeight, frame.ReadOnlyForeground);
    }
}
