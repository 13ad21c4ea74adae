using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// A frame's <see cref="FrameGeometry"/> ↔ the frame record's optional <c>geo</c> map (format
/// version 2, recordings/FORMAT.md). Unknown geometry is not written: no <c>geo</c> key means unknown.
/// </summary>
internal static class GeometryCodec
{
    public static bool ShouldWrite(FrameGeometry? g) => g is { IsKnown: true } || g?.Sector is not null || g?.Pose is not null;

    public static void Write(ref MessagePackWriter w, FrameGeometry g)
    {
        w.WriteMapHeader(15 + (g.Sector is null ? 0 : 1) + (g.Pose is null ? 0 : 1));
        w.WriteString("known"u8); w.Write(g.IsKnown);
        w.WriteString("note"u8); w.Write(g.Note);
        w.WriteString("spacing"u8); Triple(ref w, g.ColumnSpacing, g.RowSpacing, g.SliceSpacing);
        w.WriteString("origin"u8); Triple(ref w, g.Origin);
        w.WriteString("row_dir"u8); Triple(ref w, g.RowDirection);
        w.WriteString("col_dir"u8); Triple(ref w, g.ColumnDirection);
        w.WriteString("slice_dir"u8); Triple(ref w, g.SliceDirection);
        w.WriteString("volume"u8); w.Write(g.VolumeId);
        w.WriteString("slice"u8); w.Write(g.SliceIndex);
        w.WriteString("slices"u8); w.Write(g.SliceCount);
        w.WriteString("study_uid"u8); w.Write(g.StudyInstanceUid);
        w.WriteString("series_uid"u8); w.Write(g.SeriesInstanceUid);
        w.WriteString("for_uid"u8); w.Write(g.FrameOfReferenceUid);
        w.WriteString("sop_uid"u8); w.Write(g.SopInstanceUid);
        w.WriteString("sop_class_uid"u8); w.Write(g.SopClassUid);
        // The sector rides along as its spec text: one string, readable by eye and by SectorGeometry.Parse.
        if (g.Sector is not null)
        {
            w.WriteString("sector"u8);
            w.Write(g.Sector.ToString());
        }
        if (g.Pose is { } pose)
        {
            w.WriteString("pose"u8);
            w.WriteMapHeader(3);
            w.WriteString("name"u8); w.Write(pose.Name);
            w.WriteString("ts"u8); w.Write(pose.Timestamp.Ticks);
            w.WriteString("m"u8);
            w.WriteArrayHeader(12);
            foreach (double v in pose.Matrix) w.Write(v);
        }
    }

    public static FrameGeometry Read(ref BoundedReader r)
    {
        var g = new FrameGeometry();
        int n = r.EnterMap("geo");
        for (int i = 0; i < n; i++)
        {
            switch (r.String("geo key"))
            {
                case "known": g = g with { IsKnown = r.Bool("geo.known") }; break;
                case "note": g = g with { Note = r.String("geo.note") }; break;
                case "spacing":
                    var s = ReadTriple(ref r, "geo.spacing");
                    if (!(s.X > 0 && s.Y > 0 && s.Z >= 0)) throw r.Bad($"geo.spacing {s} must be positive");
                    g = g with { ColumnSpacing = s.X, RowSpacing = s.Y, SliceSpacing = s.Z };
                    break;
                case "origin": g = g with { Origin = ReadTriple(ref r, "geo.origin") }; break;
                case "row_dir": g = g with { RowDirection = ReadTriple(ref r, "geo.row_dir") }; break;
                case "col_dir": g = g with { ColumnDirection = ReadTriple(ref r, "geo.col_dir") }; break;
                case "slice_dir": g = g with { SliceDirection = ReadTriple(ref r, "geo.slice_dir") }; break;
                case "volume": g = g with { VolumeId = r.String("geo.volume") }; break;
                case "slice": g = g with { SliceIndex = r.Int32("geo.slice", -1, int.MaxValue) }; break;
                case "slices": g = g with { SliceCount = r.Int32("geo.slices", 0, int.MaxValue) }; break;
                case "study_uid": g = g with { StudyInstanceUid = r.String("geo.study_uid") }; break;
                case "series_uid": g = g with { SeriesInstanceUid = r.String("geo.series_uid") }; break;
                case "for_uid": g = g with { FrameOfReferenceUid = r.String("geo.for_uid") }; break;
                case "sop_uid": g = g with { SopInstanceUid = r.String("geo.sop_uid") }; break;
                case "sop_class_uid": g = g with { SopClassUid = r.String("geo.sop_class_uid") }; break;
                case "sector":
                    string text = r.String("geo.sector");
                    try { g = g with { Sector = SectorGeometry.Parse(text) }; }
                    catch (FormatException e) { throw r.Bad($"geo.sector: {e.Message}"); }
                    break;
                case "pose": g = g with { Pose = ReadPose(ref r) }; break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        return g;
    }

    private static TrackedPose ReadPose(ref BoundedReader r)
    {
        string name = "";
        long ts = 0;
        double[]? m = null;
        int n = r.EnterMap("geo.pose");
        for (int i = 0; i < n; i++)
        {
            switch (r.String("geo.pose key"))
            {
                case "name": name = r.String("geo.pose.name"); break;
                case "ts": ts = r.Int("geo.pose.ts"); break;
                case "m":
                    if (r.EnterArray("geo.pose.m") != 12) throw r.Bad("geo.pose.m must hold 12 numbers");
                    m = new double[12];
                    for (int k = 0; k < 12; k++) m[k] = r.Double("geo.pose.m");
                    r.Leave();
                    if (!m.All(double.IsFinite)) throw r.Bad("geo.pose.m is not finite");
                    break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        return new TrackedPose(name, m ?? throw r.Bad("geo.pose has no m")) { Timestamp = TimeSpan.FromTicks(ts) };
    }

    private static void Triple(ref MessagePackWriter w, Vec3 v) => Triple(ref w, v.X, v.Y, v.Z);

    private static void Triple(ref MessagePackWriter w, double a, double b, double c)
    {
        w.WriteArrayHeader(3);
        w.Write(a);
        w.Write(b);
        w.Write(c);
    }

    private static Vec3 ReadTriple(ref BoundedReader r, string what)
    {
        if (r.EnterArray(what) != 3) throw r.Bad($"{what} must hold 3 numbers");
        var v = new Vec3(r.Double(what), r.Double(what), r.Double(what));
        r.Leave();
        if (!double.IsFinite(v.X) || !double.IsFinite(v.Y) || !double.IsFinite(v.Z)) throw r.Bad($"{what} {v} is not finite");
        return v;
    }
}
