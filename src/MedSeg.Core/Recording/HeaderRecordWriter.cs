using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// <see cref="SessionHeader"/> → the header record's MessagePack map (recordings/FORMAT.md; plain
/// string keys, no .NET type information); the inverse of <see cref="HeaderRecordParser"/>.
/// </summary>
internal static class HeaderRecordWriter
{
    public static void Write(ref MessagePackWriter w, SessionHeader h)
    {
        w.WriteMapHeader(19);
        w.WriteString("format"u8); w.Write("medseg-recording");
        w.WriteString("version"u8); w.Write(RecordingFormat.Version);
        w.WriteString("started_utc"u8); w.Write(h.StartedUtc.ToUniversalTime().ToString("O"));
        w.WriteString("source"u8); w.Write(h.Source);
        w.WriteString("width"u8); w.Write(h.Width);
        w.WriteString("height"u8); w.Write(h.Height);
        w.WriteString("pixel_format"u8); w.Write(h.PixelFormat.Name());
        w.WriteString("mask_width"u8); w.Write(h.MaskWidth);
        w.WriteString("mask_height"u8); w.Write(h.MaskHeight);
        w.WriteString("clock_hz"u8); w.Write(h.ClockFrequency);
        w.WriteString("stage_names"u8);
        WriteStrings(ref w, RecordingFormat.StageNames);
        w.WriteString("model"u8);
        if (h.Model is { } m)
        {
            w.WriteMapHeader(4);
            w.WriteString("name"u8); w.Write(m.Name);
            w.WriteString("checkpoint"u8); w.Write(m.Checkpoint);
            w.WriteString("checkpoint_sha256"u8); w.Write(m.CheckpointSha256);
            w.WriteString("config"u8); w.Write(m.Config);
        }
        else w.WriteNil();
        w.WriteString("classes"u8);
        WriteStrings(ref w, h.ClassNames);
        w.WriteString("class_colors"u8);
        WriteStrings(ref w, h.ClassColors);
        w.WriteString("tags"u8);
        w.WriteMapHeader(h.Tags.Count);
        foreach (var (k, v) in h.Tags.OrderBy(static t => t.Key, StringComparer.Ordinal))
        {
            w.Write(k);
            w.Write(v);
        }
        w.WriteString("image_codec"u8); w.Write(h.ImageEncoding == ImageEncoding.Png ? "png" : "raw");
        w.WriteString("mask_codec"u8); w.Write(h.MaskEncoding == MaskEncoding.Png ? "png" : "rle");
        w.WriteString("probabilities"u8); w.Write(h.Probabilities);
        w.WriteString("tool"u8); w.Write(h.Tool);
        w.Flush();
    }

    private static void WriteStrings(ref MessagePackWriter w, IReadOnlyList<string> items)
    {
        w.WriteArrayHeader(items.Count);
        foreach (string s in items) w.Write(s);
    }
}
