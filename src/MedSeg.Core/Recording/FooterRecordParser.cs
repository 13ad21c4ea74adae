using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>The footer record's MessagePack map → <see cref="SessionFooter"/> (counts and the frame index); for <see cref="RecordingReader"/>.</summary>
internal static class FooterRecordParser
{
    public static SessionFooter Parse(ReadOnlyMemory<byte> payload, RecordingReaderOptions o, MessagePackSecurity security)
    {
        var r = new BoundedReader(payload, o, security);
        long frames = 0, first = -1, last = -1, firstTs = 0, lastTs = 0, afterGap = 0, missing = 0;
        var ended = DateTimeOffset.MinValue;
        long[] index = [];
        int n = r.EnterMap("footer");
        for (int i = 0; i < n; i++)
        {
            switch (r.String("footer key"))
            {
                case "frames": frames = r.Int("frames"); break;
                case "first_seq": first = r.Int("first_seq"); break;
                case "last_seq": last = r.Int("last_seq"); break;
                case "first_ts": firstTs = r.Int("first_ts"); break;
                case "last_ts": lastTs = r.Int("last_ts"); break;
                case "frames_after_gap": afterGap = r.Int("frames_after_gap"); break;
                case "missing_seq": missing = r.Int("missing_seq"); break;
                case "ended_utc":
                    ended = DateTimeOffset.TryParse(r.String("ended_utc"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : default;
                    break;
                case "index":
                    if (r.R.TryReadNil()) break;
                    int count = r.EnterArray("index");
                    index = new long[count];
                    for (int k = 0; k < count; k++) index[k] = r.Int("index item");
                    r.Leave();
                    break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        if (frames < 0) throw r.Bad($"frames = {frames}");
        return new SessionFooter(frames, first, last, TimeSpan.FromTicks(firstTs), TimeSpan.FromTicks(lastTs), afterGap, missing, ended, index);
    }
}
