using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// The session header record's MessagePack map (recordings/FORMAT.md) → <see cref="SessionHeader"/>,
/// every length and count bounded by <see cref="RecordingReaderOptions"/>; for <see cref="RecordingReader"/>.
/// </summary>
internal static class HeaderRecordParser
{
    private static readonly string[] s_required = ["version", "width", "height", "pixel_format", "mask_width", "mask_height", "clock_hz", "classes"];

    public static SessionHeader Parse(ReadOnlyMemory<byte> payload, RecordingReaderOptions o, MessagePackSecurity security)
    {
        var r = new BoundedReader(payload, o, security);
        var h = new SessionHeader();
        bool sawFormat = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int n = r.EnterMap("header");
        for (int i = 0; i < n; i++)
        {
            string key = r.String("header key");
            seen.Add(key);
            switch (key)
            {
                case "format":
                    string format = r.String("format");
                    if (format != "medseg-recording") throw r.Bad($"format is '{format}', expected 'medseg-recording'");
                    sawFormat = true;
                    break;
                case "version":
                    long v = r.Int("version");
                    if (!RecordingFormat.IsReadable(v)) throw r.Bad($"header version {v} is not supported (this build reads {RecordingFormat.OldestReadableVersion}–{RecordingFormat.Version})");
                    break;
                case "started_utc":
                    h = h with { StartedUtc = DateTimeOffset.TryParse(r.String("started_utc"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : default };
                    break;
                case "source": h = h with { Source = r.String("source") }; break;
                case "width": h = h with { Width = r.Int32("width", 0, o.MaxSide) }; break;
                case "height": h = h with { Height = r.Int32("height", 0, o.MaxSide) }; break;
                case "pixel_format":
                    if (!RecordingFormat.TryParsePixelFormat(r.Utf8("pixel_format"), out var pf)) throw r.Bad("pixel_format is not a known format");
                    h = h with { PixelFormat = pf };
                    break;
                case "mask_width": h = h with { MaskWidth = r.Int32("mask_width", 0, o.MaxSide) }; break;
                case "mask_height": h = h with { MaskHeight = r.Int32("mask_height", 0, o.MaxSide) }; break;
                case "clock_hz":
                    long hz = r.Int("clock_hz");
                    if (hz <= 0) throw r.Bad($"clock_hz = {hz} must be positive");
                    h = h with { ClockFrequency = hz };
                    break;
                case "model": h = h with { Model = ReadModel(ref r) }; break;
                case "classes": h = h with { ClassNames = ReadStrings(ref r, "classes") }; break;
                case "class_colors": h = h with { ClassColors = ReadStrings(ref r, "class_colors") }; break;
                case "tags": h = h with { Tags = ReadTags(ref r, security) }; break;
                case "image_codec":
                    h = h with { ImageEncoding = r.String("image_codec") switch { "png" => ImageEncoding.Png, "raw" => ImageEncoding.Raw, var c => throw r.Bad($"image_codec '{c}' is not raw or png") } };
                    break;
                case "mask_codec":
                    h = h with { MaskEncoding = r.String("mask_codec") switch { "png" => MaskEncoding.Png, "rle" => MaskEncoding.Rle, var c => throw r.Bad($"mask_codec '{c}' is not rle or png") } };
                    break;
                case "probabilities": h = h with { Probabilities = r.Bool("probabilities") }; break;
                case "tool": h = h with { Tool = r.String("tool") }; break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        if (!sawFormat) throw r.Bad("the header has no \"format\": \"medseg-recording\" entry");
        // Every key the writer always writes must be there: a header missing them is damaged, not old.
        var missing = s_required.Where(k => !seen.Contains(k)).ToArray();
        if (missing.Length > 0) throw r.Bad($"the header lacks required key(s) {string.Join(", ", missing)}");
        // 0×0 means "no frame size declared" (a session closed before its first frame); one side 0 is damage.
        if ((h.Width == 0) != (h.Height == 0)) throw r.Bad($"frame size {h.Width}×{h.Height}: one side is 0");
        if ((h.MaskWidth == 0) != (h.MaskHeight == 0)) throw r.Bad($"mask size {h.MaskWidth}×{h.MaskHeight}: one side is 0");
        if (h.ClassNames.Count is < 2 or > 256) throw r.Bad($"{h.ClassNames.Count} classes; expected 2–256 (background first)");
        if ((long)h.Width * h.Height * h.PixelFormat.BytesPerPixel() > o.MaxPlaneBytes || (long)h.MaskWidth * h.MaskHeight > o.MaxPlaneBytes)
            throw r.Bad($"frames of {h.Width}×{h.Height} {h.PixelFormat.Name()} exceed the {o.MaxPlaneBytes}-byte plane limit");
        return h;
    }

    private static RecordedModel? ReadModel(ref BoundedReader r)
    {
        if (r.R.TryReadNil()) return null;
        string name = "", checkpoint = "", sha = "", config = "";
        int n = r.EnterMap("model");
        for (int i = 0; i < n; i++)
        {
            switch (r.String("model key"))
            {
                case "name": name = r.String("model.name"); break;
                case "checkpoint": checkpoint = r.String("model.checkpoint"); break;
                case "checkpoint_sha256": sha = r.String("model.checkpoint_sha256"); break;
                case "config": config = r.String("model.config"); break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        return new RecordedModel(name, checkpoint, sha, config);
    }

    private static string[] ReadStrings(ref BoundedReader r, string what)
    {
        int n = r.EnterArray(what);
        if (n > 4096) throw r.Bad($"{what} has {n} entries (limit 4096)");
        var items = new string[n];
        for (int i = 0; i < n; i++) items[i] = r.String(what);
        r.Leave();
        return items;
    }

    private static IReadOnlyDictionary<string, string> ReadTags(ref BoundedReader r, MessagePackSecurity security)
    {
        int n = r.EnterMap("tags");
        if (n > 4096) throw r.Bad($"tags has {n} entries (limit 4096)");
        // The security object's comparer resists hash flooding by crafted keys.
        var tags = new Dictionary<string, string>(n, security.GetEqualityComparer<string>());
        for (int i = 0; i < n; i++)
        {
            string k = r.String("tag key");
            tags[k] = r.String($"tag '{k}'");
        }
        r.Leave();
        return tags;
    }
}
