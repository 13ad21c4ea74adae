using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// One frame record's MessagePack map → <see cref="FrameRecord"/>, planes checked against the
/// header's sizes before anything is allocated for them; for <see cref="RecordingReader"/>.
/// </summary>
internal static class FrameRecordParser
{
    public static void Parse(ReadOnlyMemory<byte> payload, SessionHeader header, FrameRecord f, FramePlanes planes, RecordingReaderOptions o, MessagePackSecurity security)
    {
        var r = new BoundedReader(payload, o, security);
        f.Reset();
        bool seq = false, ts = false, image = false;
        // Plane sizes as read here: the record's arrays are reused between frames and only decoded
        // when asked for, so they cannot tell which size this frame's planes had.
        (int W, int H) prob = default, truth = default;
        int n = r.EnterMap("frame");
        for (int i = 0; i < n; i++)
        {
            var key = r.Utf8("frame key");
            if (key.SequenceEqual("seq"u8))
            {
                f.Seq = r.Int("seq");
                seq = true;
            }
            else if (key.SequenceEqual("ts"u8))
            {
                f.Timestamp = TimeSpan.FromTicks(r.Int("ts"));
                ts = true;
            }
            else if (key.SequenceEqual("st"u8)) f.Times = ReadStamps(ref r);
            else if (key.SequenceEqual("geo"u8)) f.Geometry = GeometryCodec.Read(ref r);
            else if (key.SequenceEqual("flags"u8)) f.Flags = (FrameFlags)r.Int32("flags", 0, int.MaxValue);
            else if (key.SequenceEqual("image"u8))
            {
                var p = PlaneCodec.Read(ref r, "image", o);
                // Run-length coding is for class-id masks (FORMAT.md); no writer stores an image so.
                if (p.Encoding.SequenceEqual("rle"u8)) throw r.Bad("image is rle-coded; rle is for class-id masks only");
                // Sizes are checked against the header before anything is allocated for them.
                // 0×0 declares a session that ended before its first frame: a frame after it is damage.
                if (header.Width == 0) throw r.Bad($"a {p.Width}×{p.Height} image, but the header declares no frame size (0×0)");
                if (p.Width != header.Width || p.Height != header.Height || p.Format != header.PixelFormat)
                    throw r.Bad($"image is {p.Width}×{p.Height} {p.Format.Name()}, the header says {header.Width}×{header.Height} {header.PixelFormat.Name()}");
                (f.Width, f.Height, f.Format, f.ImageBytes) = (p.Width, p.Height, p.Format, p.Data.Length);
                if ((planes & FramePlanes.Image) != 0)
                {
                    f.Image = FrameRecord.Sized(f.Image, p.Length);
                    PlaneCodec.Decode(p, f.Image, "image", o.Png);
                }
                image = true;
            }
            else if (key.SequenceEqual("labels"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "labels", "labels are", header.MaskWidth, header.MaskHeight, o);
                (f.MaskWidth, f.MaskHeight, f.LabelBytes, f.HasLabels) = (p.Width, p.Height, p.Data.Length, true);
                if ((planes & FramePlanes.Labels) != 0) PlaneCodec.Decode(p, f.Labels = FrameRecord.Sized(f.Labels, p.Length), "labels", o.Png);
            }
            else if (key.SequenceEqual("prob"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "prob", "prob is", header.MaskWidth, header.MaskHeight, o);
                (f.ProbabilityBytes, f.HasProbabilities, prob) = (p.Data.Length, true, (p.Width, p.Height));
                if ((planes & FramePlanes.Probabilities) != 0) PlaneCodec.Decode(p, f.Probabilities = FrameRecord.Sized(f.Probabilities, p.Length), "prob", o.Png);
            }
            else if (key.SequenceEqual("truth"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "truth", "truth is", header.Width, header.Height, o);
                (f.GroundTruthBytes, f.HasGroundTruth, truth) = (p.Data.Length, true, (p.Width, p.Height));
                if ((planes & FramePlanes.GroundTruth) != 0) PlaneCodec.Decode(p, f.GroundTruth = FrameRecord.Sized(f.GroundTruth, p.Length), "truth", o.Png);
            }
            else r.Skip();
        }
        r.Leave();
        if (!seq || !ts || !image) throw r.Bad("a frame record needs seq, ts and image");
        if (f.HasLabels && f.HasProbabilities && prob != (f.MaskWidth, f.MaskHeight))
            throw r.Bad($"prob is {prob.W}×{prob.H} but labels are {f.MaskWidth}×{f.MaskHeight}");
        // A frame with probabilities and no labels still has a mask size.
        if (!f.HasLabels && f.HasProbabilities) (f.MaskWidth, f.MaskHeight) = prob;
        if (f.HasGroundTruth && truth != (f.Width, f.Height))
            throw r.Bad($"truth is {truth.W}×{truth.H} but the image is {f.Width}×{f.Height}");
    }

    /// <summary>A one-byte-per-pixel plane (labels, probabilities, truth) of the size the header gives (when it gives one).</summary>
    /// <param name="subject">"labels are" / "prob is": how the size error names the plane.</param>
    private static PlaneCodec.Plane MaskPlane(ref BoundedReader r, string what, string subject, int headerWidth, int headerHeight, RecordingReaderOptions o)
    {
        var p = PlaneCodec.Read(ref r, what, o);
        if (p.Format != PixelFormat.Gray8) throw r.Bad($"{what} must be gray8, not {p.Format.Name()}");
        if (headerWidth > 0 && (p.Width != headerWidth || p.Height != headerHeight))
            throw r.Bad($"{subject} {p.Width}×{p.Height}, the header says {headerWidth}×{headerHeight}");
        return p;
    }

    private static StageTimes ReadStamps(ref BoundedReader r)
    {
        int n = r.EnterArray("st");
        Span<long> s = stackalloc long[RecordingFormat.StageNames.Count];
        for (int i = 0; i < n; i++)
        {
            if (i < s.Length) s[i] = r.Int("st item");
            else r.Skip(); // stamps added by a newer minor version
        }
        r.Leave();
        return RecordingFormat.FromArray(s);
    }
}
