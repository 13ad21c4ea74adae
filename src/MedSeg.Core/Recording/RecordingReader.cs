using System.Buffers.Binary;
using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// Reads a session file, treating it as untrusted: a wrong magic or version, or a missing or
/// corrupt header, throws <see cref="RecordingFormatException"/> naming the file and byte offset;
/// frame records are read until the first one that is incomplete or fails its checksum or its
/// parse, and <see cref="End"/> says where and why the readable part ends.
/// </summary>
/// <remarks>
/// Every length is checked against <see cref="RecordingReaderOptions"/> and the bytes left in the
/// file before anything is allocated, nesting is bounded, and every loop advances through the
/// file, so no input can exhaust memory, overflow the stack or hang the reader.
/// Memory: one payload buffer, grown to the largest record; <see cref="ReadNext"/> reuses the
/// caller's <see cref="FrameRecord"/> arrays. Not thread-safe.
/// </remarks>
public sealed class RecordingReader : IDisposable
{
    private readonly FileStream _file;
    private readonly RecordingReaderOptions _o;
    private readonly MessagePackSecurity _security;
    private byte[] _payload = new byte[1 << 16];
    private long _position;

    private RecordingReader(string path, FileStream file, RecordingReaderOptions options)
    {
        Path = path;
        _file = file;
        _o = options;
        _security = BoundedReader.Security(options);
        FileLength = file.Length;
        ReadPreamble();
        Header = ReadHeaderRecord();
        FirstFrameOffset = _position;
        Footer = TryReadFooterFromTrailer();
    }

    /// <exception cref="FileNotFoundException">no such file.</exception>
    /// <exception cref="RecordingFormatException">not a session file, an unsupported version, or an unreadable header.</exception>
    public static RecordingReader Open(string path, RecordingReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var o = (options ?? new RecordingReaderOptions()).Validate();
        if (!File.Exists(path)) throw new FileNotFoundException($"recording not found: {path}", path);
        // ReadWrite sharing: a session still being recorded can be inspected.
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16);
        try
        {
            return new RecordingReader(path, file, o);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public SessionHeader Header { get; }

    /// <summary>The footer, when the trailer points at a valid one (a closed session); null otherwise.</summary>
    public SessionFooter? Footer { get; private set; }

    /// <summary>File size when opened.</summary>
    public long FileLength { get; }

    public long FirstFrameOffset { get; }

    /// <summary>Where the next record starts.</summary>
    public long Position => _position;

    /// <summary>Set when <see cref="ReadNext"/> returned false: where and why the readable data ends.</summary>
    public RecordingEnd? End { get; private set; }

    /// <summary>Records of unknown kinds that were skipped (written by a newer minor version).</summary>
    public int SkippedRecords { get; private set; }

    /// <summary>Moves to a frame record offset (from <see cref="FrameOffsets"/> or the footer index).</summary>
    public void Seek(long offset)
    {
        if (offset < FirstFrameOffset || offset > FileLength) throw new ArgumentOutOfRangeException(nameof(offset), offset, $"must be in [{FirstFrameOffset}, {FileLength}]");
        _position = offset;
        End = null;
    }

    public void Rewind() => Seek(FirstFrameOffset);

    /// <summary>Reads the next frame record into <paramref name="frame"/>, decoding the chosen planes.</summary>
    /// <returns>false at the end of the readable data; <see cref="End"/> then says why.</returns>
    public bool ReadNext(FrameRecord frame, FramePlanes planes = FramePlanes.All)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (End is not null) return false;
        while (true)
        {
            long at = _position;
            if (!TryReadRecord(out byte kind, out int length)) return false;
            if (kind == RecordingFormat.FrameKind)
            {
                try
                {
                    ParseFrame(_payload.AsMemory(0, length), frame, planes);
                }
                catch (Exception e) when (IsFormatError(e))
                {
                    return Stop(RecordingEndKind.Corrupt, at, $"frame record at byte {at} is malformed: {e.Message}");
                }
                frame.Offset = at;
                frame.RecordBytes = RecordingFormat.PrefixLength + length;
                return true;
            }
            if (kind == RecordingFormat.FooterKind)
            {
                try
                {
                    Footer ??= ParseFooter(_payload.AsMemory(0, length));
                }
                catch (Exception e) when (IsFormatError(e))
                {
                    return Stop(RecordingEndKind.Corrupt, at, $"footer at byte {at} is malformed: {e.Message}");
                }
                End = new RecordingEnd(RecordingEndKind.Footer, at, 0, $"closed properly; footer at byte {at}");
                return false;
            }
            if (kind == RecordingFormat.HeaderKind) return Stop(RecordingEndKind.Corrupt, at, $"a second header record at byte {at}");
            SkippedRecords++; // an unknown kind with a valid checksum: a newer minor version's addition
        }
    }

    /// <summary>Byte offsets of every readable frame record: the footer's index when it is consistent, else one scan of the file.</summary>
    public IReadOnlyList<long> FrameOffsets()
    {
        if (Footer is { Index.Count: > 0 } f && f.Index.Count == f.Frames && f.Index.All(o => o >= FirstFrameOffset && o < FileLength))
            return f.Index;
        long keep = _position;
        var end = End;
        var offsets = new List<long>();
        var scratch = new FrameRecord();
        Rewind();
        while (ReadNext(scratch, FramePlanes.None)) offsets.Add(scratch.Offset);
        (_position, End) = (keep, end);
        return offsets;
    }

    /// <summary>Reads the frame record at <paramref name="offset"/>.</summary>
    /// <exception cref="RecordingFormatException">there is no readable frame record there.</exception>
    public FrameRecord ReadAt(long offset, FrameRecord? into = null, FramePlanes planes = FramePlanes.All)
    {
        Seek(offset);
        into ??= new FrameRecord();
        if (!ReadNext(into, planes))
            throw new RecordingFormatException(Path, offset, End?.Message ?? "no frame record here");
        return into;
    }

    public void Dispose() => _file.Dispose();

    private static bool IsFormatError(Exception e) =>
        e is InvalidDataException or MessagePackSerializationException or EndOfStreamException
          or InsufficientExecutionStackException or OverflowException or ArgumentException or FormatException;

    private bool Stop(RecordingEndKind kind, long at, string message)
    {
        End = new RecordingEnd(kind, at, FileLength - at, message);
        return false;
    }

    /// <summary>Reads and checks one record's prefix and payload at <see cref="_position"/> into <see cref="_payload"/>.</summary>
    private bool TryReadRecord(out byte kind, out int length)
    {
        kind = 0;
        length = 0;
        long at = _position, left = FileLength - at;
        if (left == 0) return Stop(RecordingEndKind.CutOff, at, $"ends after the last complete record at byte {at}, without a footer (the writer did not close it)");
        if (left < RecordingFormat.PrefixLength)
            return Stop(RecordingEndKind.Truncated, at, $"truncated at byte {at}: {left} byte(s) of an incomplete record prefix");
        Span<byte> prefix = stackalloc byte[RecordingFormat.PrefixLength];
        ReadExactly(at, prefix);
        kind = prefix[0];
        if (prefix[1] != 0 || prefix[2] != 0 || prefix[3] != 0)
            return Stop(RecordingEndKind.Corrupt, at, $"record at byte {at} has a corrupt prefix (reserved bytes not zero)");
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(prefix[4..]);
        if (declared > (uint)_o.MaxRecordBytes)
            return Stop(RecordingEndKind.Corrupt, at, $"record at byte {at} declares {declared} bytes, over the {_o.MaxRecordBytes}-byte limit (corrupt length)");
        length = (int)declared;
        if (length > left - RecordingFormat.PrefixLength)
            return Stop(RecordingEndKind.Truncated, at, $"truncated at byte {at}: a record of {length} bytes, but only {left - RecordingFormat.PrefixLength} remain (the writer stopped mid-record)");
        if (_payload.Length < length) _payload = new byte[Math.Max(length, Math.Min(_o.MaxRecordBytes, _payload.Length * 2))];
        ReadExactly(at + RecordingFormat.PrefixLength, _payload.AsSpan(0, length));
        uint crc = Crc32.Compute(_payload.AsSpan(0, length), Crc32.Compute(prefix[..8]));
        if (crc != BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]))
            return Stop(RecordingEndKind.Corrupt, at, $"record at byte {at} fails its checksum (corrupt data)");
        _position = at + RecordingFormat.PrefixLength + length;
        return true;
    }

    private void ReadExactly(long offset, Span<byte> into)
    {
        if (_file.Position != offset) _file.Position = offset;
        _file.ReadExactly(into);
    }

    private void ReadPreamble()
    {
        Span<byte> pre = stackalloc byte[RecordingFormat.PreambleLength];
        if (FileLength < RecordingFormat.PreambleLength)
        {
            if (FileLength == 0) throw new RecordingFormatException(Path, 0, "the file is empty (the session was cut off before it started)");
            throw new RecordingFormatException(Path, 0, $"only {FileLength} bytes: too short for a session file");
        }
        ReadExactly(0, pre);
        if (!pre[..8].SequenceEqual(RecordingFormat.Magic))
            throw new RecordingFormatException(Path, 0, $"not a MedSeg session recording (magic {Convert.ToHexString(pre[..8])}, expected {Convert.ToHexString(RecordingFormat.Magic)})");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(pre[8..]);
        if (version != RecordingFormat.Version)
            throw new RecordingFormatException(Path, 8, $"format version {version} is not supported (this build reads version {RecordingFormat.Version})");
        _position = RecordingFormat.PreambleLength;
    }

    private SessionHeader ReadHeaderRecord()
    {
        long at = _position;
        if (!TryReadRecord(out byte kind, out int length))
            throw new RecordingFormatException(Path, at, $"no readable header: {End!.Message}");
        if (kind != RecordingFormat.HeaderKind)
            throw new RecordingFormatException(Path, at, $"the first record is of kind 0x{kind:x2}, expected the header ('H')");
        try
        {
            return ParseHeader(_payload.AsMemory(0, length));
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw new RecordingFormatException(Path, at, $"the header record is malformed: {e.Message}", e);
        }
    }

    private SessionFooter? TryReadFooterFromTrailer()
    {
        if (FileLength < FirstFrameOffset + RecordingFormat.TrailerLength) return null;
        Span<byte> trailer = stackalloc byte[RecordingFormat.TrailerLength];
        ReadExactly(FileLength - RecordingFormat.TrailerLength, trailer);
        if (!trailer[8..].SequenceEqual(RecordingFormat.TrailerMagic)) return null;
        long footerAt = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        if (footerAt < FirstFrameOffset || footerAt > FileLength - RecordingFormat.TrailerLength - RecordingFormat.PrefixLength) return null;
        long keep = _position;
        try
        {
            _position = footerAt;
            if (!TryReadRecord(out byte kind, out int length) || kind != RecordingFormat.FooterKind) return null;
            return ParseFooter(_payload.AsMemory(0, length));
        }
        catch (Exception e) when (IsFormatError(e))
        {
            return null; // a damaged footer only costs the index; the records are scanned instead
        }
        finally
        {
            (_position, End) = (keep, null);
        }
    }

    private SessionHeader ParseHeader(ReadOnlyMemory<byte> payload)
    {
        var r = new BoundedReader(payload, _o, _security);
        var h = new SessionHeader();
        bool sawFormat = false;
        int n = r.EnterMap("header");
        for (int i = 0; i < n; i++)
        {
            string key = r.String("header key");
            switch (key)
            {
                case "format":
                    string format = r.String("format");
                    if (format != "medseg-recording") throw r.Bad($"format is '{format}', expected 'medseg-recording'");
                    sawFormat = true;
                    break;
                case "version":
                    long v = r.Int("version");
                    if (v != RecordingFormat.Version) throw r.Bad($"header version {v} is not supported (this build reads {RecordingFormat.Version})");
                    break;
                case "started_utc":
                    h = h with { StartedUtc = DateTimeOffset.TryParse(r.String("started_utc"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var t) ? t : default };
                    break;
                case "source": h = h with { Source = r.String("source") }; break;
                case "width": h = h with { Width = r.Int32("width", 0, _o.MaxSide) }; break;
                case "height": h = h with { Height = r.Int32("height", 0, _o.MaxSide) }; break;
                case "pixel_format":
                    if (!RecordingFormat.TryParsePixelFormat(r.Utf8("pixel_format"), out var pf)) throw r.Bad("pixel_format is not a known format");
                    h = h with { PixelFormat = pf };
                    break;
                case "mask_width": h = h with { MaskWidth = r.Int32("mask_width", 0, _o.MaxSide) }; break;
                case "mask_height": h = h with { MaskHeight = r.Int32("mask_height", 0, _o.MaxSide) }; break;
                case "clock_hz":
                    long hz = r.Int("clock_hz");
                    if (hz <= 0) throw r.Bad($"clock_hz = {hz} must be positive");
                    h = h with { ClockFrequency = hz };
                    break;
                case "model": h = h with { Model = ReadModel(ref r) }; break;
                case "classes": h = h with { ClassNames = ReadStrings(ref r, "classes") }; break;
                case "class_colors": h = h with { ClassColors = ReadStrings(ref r, "class_colors") }; break;
                case "tags": h = h with { Tags = ReadTags(ref r) }; break;
                case "image_codec": h = h with { ImageEncoding = r.String("image_codec") == "png" ? ImageEncoding.Png : ImageEncoding.Raw }; break;
                case "mask_codec": h = h with { MaskEncoding = r.String("mask_codec") == "png" ? MaskEncoding.Png : MaskEncoding.Rle }; break;
                case "probabilities": h = h with { Probabilities = r.Bool("probabilities") }; break;
                case "tool": h = h with { Tool = r.String("tool") }; break;
                default: r.Skip(); break;
            }
        }
        r.Leave();
        if (!sawFormat) throw r.Bad("the header has no \"format\": \"medseg-recording\" entry");
        if (h.ClassNames.Count is < 2 or > 256) throw r.Bad($"{h.ClassNames.Count} classes; expected 2–256 (background first)");
        if ((long)h.Width * h.Height * h.PixelFormat.BytesPerPixel() > _o.MaxPlaneBytes || (long)h.MaskWidth * h.MaskHeight > _o.MaxPlaneBytes)
            throw r.Bad($"frames of {h.Width}×{h.Height} {h.PixelFormat.Name()} exceed the {_o.MaxPlaneBytes}-byte plane limit");
        return h;
    }

    private RecordedModel? ReadModel(ref BoundedReader r)
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

    private IReadOnlyDictionary<string, string> ReadTags(ref BoundedReader r)
    {
        int n = r.EnterMap("tags");
        if (n > 4096) throw r.Bad($"tags has {n} entries (limit 4096)");
        // The security object's comparer resists hash flooding by crafted keys.
        var tags = new Dictionary<string, string>(n, _security.GetEqualityComparer<string>());
        for (int i = 0; i < n; i++)
        {
            string k = r.String("tag key");
            tags[k] = r.String($"tag '{k}'");
        }
        r.Leave();
        return tags;
    }

    private void ParseFrame(ReadOnlyMemory<byte> payload, FrameRecord f, FramePlanes planes)
    {
        var r = new BoundedReader(payload, _o, _security);
        f.Reset();
        bool seq = false, ts = false, image = false;
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
            else if (key.SequenceEqual("flags"u8)) f.Flags = (FrameFlags)r.Int32("flags", 0, int.MaxValue);
            else if (key.SequenceEqual("image"u8))
            {
                var p = PlaneCodec.Read(ref r, "image", _o);
                // Sizes are checked against the header before anything is allocated for them.
                if (Header.Width > 0 && (p.Width != Header.Width || p.Height != Header.Height || p.Format != Header.PixelFormat))
                    throw r.Bad($"image is {p.Width}×{p.Height} {p.Format.Name()}, the header says {Header.Width}×{Header.Height} {Header.PixelFormat.Name()}");
                (f.Width, f.Height, f.Format, f.ImageBytes) = (p.Width, p.Height, p.Format, p.Data.Length);
                if ((planes & FramePlanes.Image) != 0)
                {
                    f.Image = FrameRecord.Sized(f.Image, p.Length);
                    PlaneCodec.Decode(p, f.Image, "image", _o.Png);
                }
                image = true;
            }
            else if (key.SequenceEqual("labels"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "labels");
                if (Header.MaskWidth > 0 && (p.Width != Header.MaskWidth || p.Height != Header.MaskHeight))
                    throw r.Bad($"labels are {p.Width}×{p.Height}, the header says {Header.MaskWidth}×{Header.MaskHeight}");
                (f.MaskWidth, f.MaskHeight, f.LabelBytes, f.HasLabels) = (p.Width, p.Height, p.Data.Length, true);
                if ((planes & FramePlanes.Labels) != 0) PlaneCodec.Decode(p, f.Labels = FrameRecord.Sized(f.Labels, p.Length), "labels", _o.Png);
            }
            else if (key.SequenceEqual("prob"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "prob");
                if (Header.MaskWidth > 0 && (p.Width != Header.MaskWidth || p.Height != Header.MaskHeight))
                    throw r.Bad($"prob is {p.Width}×{p.Height}, the header says {Header.MaskWidth}×{Header.MaskHeight}");
                (f.ProbabilityBytes, f.HasProbabilities) = (p.Data.Length, true);
                if ((planes & FramePlanes.Probabilities) != 0) PlaneCodec.Decode(p, f.Probabilities = FrameRecord.Sized(f.Probabilities, p.Length), "prob", _o.Png);
            }
            else if (key.SequenceEqual("truth"u8))
            {
                if (r.R.TryReadNil()) continue;
                var p = MaskPlane(ref r, "truth");
                if (Header.Width > 0 && (p.Width != Header.Width || p.Height != Header.Height))
                    throw r.Bad($"truth is {p.Width}×{p.Height}, the header says {Header.Width}×{Header.Height}");
                (f.GroundTruthBytes, f.HasGroundTruth) = (p.Data.Length, true);
                if ((planes & FramePlanes.GroundTruth) != 0) PlaneCodec.Decode(p, f.GroundTruth = FrameRecord.Sized(f.GroundTruth, p.Length), "truth", _o.Png);
            }
            else r.Skip();
        }
        r.Leave();
        if (!seq || !ts || !image) throw r.Bad("a frame record needs seq, ts and image");
        if (f.HasLabels && f.HasProbabilities && f.Probabilities is { } prob && prob.Length != f.MaskWidth * f.MaskHeight)
            throw r.Bad("prob and labels differ in size");
        if (f.HasGroundTruth && f.GroundTruth is { } gt && gt.Length != f.Width * f.Height)
            throw r.Bad($"truth has {gt.Length} pixels but the image is {f.Width}×{f.Height}");
    }

    private PlaneCodec.Plane MaskPlane(ref BoundedReader r, string what)
    {
        var p = PlaneCodec.Read(ref r, what, _o);
        if (p.Format != PixelFormat.Gray8) throw r.Bad($"{what} must be gray8, not {p.Format.Name()}");
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

    private SessionFooter ParseFooter(ReadOnlyMemory<byte> payload)
    {
        var r = new BoundedReader(payload, _o, _security);
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
