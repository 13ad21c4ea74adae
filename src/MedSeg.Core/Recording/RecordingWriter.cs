using System.Buffers.Binary;
using MedSeg.Core.Frames;
using MessagePack;

namespace MedSeg.Core.Recording;

/// <summary>
/// Appends a session to a file: preamble, header, one length-prefixed, CRC-checked MessagePack
/// record per frame, and on <see cref="Complete"/> a footer with an index and a trailer.
/// </summary>
/// <remarks>
/// Crash safety: each record is assembled in memory and handed to the OS in one write, so a
/// killed process leaves every earlier record intact and at most one partial record at the end,
/// which the reader detects and reports. fsync follows <see cref="RecordingWriterOptions.Fsync"/>.
/// Memory: one record buffer and one scratch buffer, grown to the largest record and reused.
/// Not thread-safe: one writer thread (the recorder sink).
/// </remarks>
public sealed class RecordingWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly RecordingWriterOptions _options;
    private readonly RecordBuffer _record = new(1 << 17), _scratch = new(1 << 17);
    private readonly List<long> _index = [];
    private readonly PlaneCodec.Lz4Probe _imageProbe = new(), _probProbe = new();
    private byte[] _quantised = [];
    private long _position, _sinceFsync;
    private SequenceStats _seqs = new();
    private bool _completed, _faulted;

    private RecordingWriter(string path, FileStream file, SessionHeader header, RecordingWriterOptions options)
    {
        Path = path;
        _file = file;
        _options = options;
        Header = header with
        {
            ImageEncoding = options.Image, MaskEncoding = options.Masks, Probabilities = options.Probabilities,
        };
        Span<byte> preamble = stackalloc byte[RecordingFormat.PreambleLength];
        RecordingFormat.Magic.CopyTo(preamble);
        BinaryPrimitives.WriteUInt32LittleEndian(preamble[8..], RecordingFormat.Version);
        Write(preamble);
        WriteRecord(RecordingFormat.HeaderKind, HeaderRecordWriter.Write, Header);
        if (options.Fsync != FsyncPolicy.None) _file.Flush(flushToDisk: true);
    }

    /// <summary>Creates the file (never overwrites unless <paramref name="overwrite"/>) and writes preamble and header.</summary>
    public static RecordingWriter Create(string path, SessionHeader header, RecordingWriterOptions? options = null, bool overwrite = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(header);
        var o = (options ?? new RecordingWriterOptions()).Validate();
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        // bufferSize 0: every Write goes straight to the OS, so nothing waits in a managed buffer when the process dies.
        var file = new FileStream(path, overwrite ? FileMode.Create : FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        try
        {
            return new RecordingWriter(path, file, header, o);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>The header as written (encodings filled in from the options).</summary>
    public SessionHeader Header { get; }

    /// <summary>Bytes in the file so far.</summary>
    public long BytesWritten => _position;

    /// <summary>Appends one frame of a pipeline.</summary>
    public void Append(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Append(FrameData.From(frame));
    }

    /// <summary>Appends one frame record and hands it to the OS (fsync per policy).</summary>
    public void Append(in FrameData f)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_faulted) throw new InvalidOperationException($"{Path}: an earlier write failed; the session ends at byte {_position}");
        Validate(f);
        var h = Header;
        if (h.Width > 0 && (f.Width != h.Width || f.Height != h.Height || f.Format != h.PixelFormat))
            throw new ArgumentException($"frame {f.Seq} is {f.Width}×{f.Height} {f.Format}; the session header says {h.Width}×{h.Height} {h.PixelFormat}", nameof(f));
        if (h.MaskWidth > 0 && !f.Labels.IsEmpty && (f.MaskWidth != h.MaskWidth || f.MaskHeight != h.MaskHeight))
            throw new ArgumentException($"frame {f.Seq} has a {f.MaskWidth}×{f.MaskHeight} mask; the session header says {h.MaskWidth}×{h.MaskHeight}", nameof(f));
        if (!f.Foreground.IsEmpty && _options.Probabilities) Quantise(f.Foreground);
        long offset = _position;
        WriteFrame(f);
        _index.Add(offset);
        _seqs.Add(f.Seq, f.Timestamp, f.Flags);
        if (_options.Fsync == FsyncPolicy.EveryRecord || (_options.Fsync == FsyncPolicy.EveryN && ++_sinceFsync >= _options.FsyncEvery))
        {
            _file.Flush(flushToDisk: true);
            _sinceFsync = 0;
        }
    }

    /// <summary>Writes the footer (counts, index) and the trailer, fsyncs and closes. Idempotent.</summary>
    public void Complete()
    {
        if (_completed) return;
        try
        {
            if (!_faulted)
            {
                long footerAt = _position;
                WriteRecord(RecordingFormat.FooterKind, WriteFooter, this);
                Span<byte> trailer = stackalloc byte[RecordingFormat.TrailerLength];
                BinaryPrimitives.WriteInt64LittleEndian(trailer, footerAt);
                RecordingFormat.TrailerMagic.CopyTo(trailer[8..]);
                Write(trailer);
                _file.Flush(flushToDisk: true);
            }
        }
        finally
        {
            _completed = true;
            _file.Dispose();
        }
    }

    public void Dispose() => Complete();

    private static void Validate(in FrameData f)
    {
        if (f.Width < 1 || f.Height < 1) throw new ArgumentOutOfRangeException(nameof(f), $"frame {f.Seq}: size {f.Width}×{f.Height}");
        long pixels = (long)f.Width * f.Height;
        if (f.Pixels.Length != pixels * f.Format.BytesPerPixel())
            throw new ArgumentException($"frame {f.Seq}: {f.Pixels.Length} pixel bytes for {f.Width}×{f.Height} {f.Format}", nameof(f));
        long plane = (long)f.MaskWidth * f.MaskHeight;
        if (!f.Labels.IsEmpty && (f.MaskWidth < 1 || f.MaskHeight < 1 || f.Labels.Length != plane))
            throw new ArgumentException($"frame {f.Seq}: {f.Labels.Length} labels for a {f.MaskWidth}×{f.MaskHeight} mask", nameof(f));
        if (!f.Foreground.IsEmpty && f.Foreground.Length != plane)
            throw new ArgumentException($"frame {f.Seq}: {f.Foreground.Length} probabilities for a {f.MaskWidth}×{f.MaskHeight} mask", nameof(f));
        if (!f.GroundTruth.IsEmpty && f.GroundTruth.Length != pixels)
            throw new ArgumentException($"frame {f.Seq}: ground truth has {f.GroundTruth.Length} pixels, the frame {pixels}", nameof(f));
    }

    private void Quantise(ReadOnlySpan<float> p)
    {
        if (_quantised.Length != p.Length) _quantised = new byte[p.Length];
        for (int i = 0; i < p.Length; i++) _quantised[i] = (byte)(Math.Clamp(p[i], 0f, 1f) * 255f + 0.5f);
    }

    private void WriteFrame(in FrameData f)
    {
        _record.Clear();
        _record.Advance(RecordingFormat.PrefixLength);
        var w = new MessagePackWriter(_record);
        bool labels = !f.Labels.IsEmpty, truth = !f.GroundTruth.IsEmpty;
        bool prob = _options.Probabilities && !f.Foreground.IsEmpty;
        bool geo = GeometryCodec.ShouldWrite(f.Geometry);
        w.WriteMapHeader(5 + (labels ? 1 : 0) + (prob ? 1 : 0) + (truth ? 1 : 0) + (geo ? 1 : 0));
        w.WriteString("seq"u8);
        w.Write(f.Seq);
        w.WriteString("ts"u8);
        w.Write(f.Timestamp.Ticks);
        w.WriteString("st"u8);
        Span<long> stamps = stackalloc long[RecordingFormat.StageNames.Count];
        RecordingFormat.ToArray(f.Times, stamps);
        w.WriteArrayHeader(stamps.Length);
        foreach (long s in stamps) w.Write(s);
        w.WriteString("flags"u8);
        w.Write((int)f.Flags);
        if (geo)
        {
            w.WriteString("geo"u8);
            GeometryCodec.Write(ref w, f.Geometry!);
        }
        w.WriteString("image"u8);
        PlaneCodec.WriteImage(ref w, f.Pixels, f.Width, f.Height, f.Format, _options.Image, _options.Png, _scratch, _imageProbe);
        if (labels)
        {
            w.WriteString("labels"u8);
            PlaneCodec.WriteMask(ref w, f.Labels, f.MaskWidth, f.MaskHeight, _options.Masks, _options.Png, _scratch);
        }
        if (prob)
        {
            w.WriteString("prob"u8);
            PlaneCodec.WriteRawOrLz4(ref w, _quantised, f.MaskWidth, f.MaskHeight, PixelFormat.Gray8, _scratch, _probProbe);
        }
        if (truth)
        {
            w.WriteString("truth"u8);
            PlaneCodec.WriteMask(ref w, f.GroundTruth, f.Width, f.Height, _options.Masks, _options.Png, _scratch);
        }
        w.Flush();
        Seal(RecordingFormat.FrameKind);
    }

    private delegate void BodyWriter<T>(ref MessagePackWriter w, T state);

    private void WriteRecord<T>(byte kind, BodyWriter<T> body, T state) where T : class
    {
        _record.Clear();
        _record.Advance(RecordingFormat.PrefixLength);
        var w = new MessagePackWriter(_record);
        body(ref w, state);
        Seal(kind);
    }

    /// <summary>Fills the prefix of the record in <see cref="_record"/> and writes it in one call.</summary>
    private void Seal(byte kind)
    {
        var rec = _record.Written;
        int payload = rec.Length - RecordingFormat.PrefixLength;
        rec[0] = kind;
        rec[1] = rec[2] = rec[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(rec[4..], (uint)payload);
        uint crc = Crc32.Compute(rec[..8]);
        crc = Crc32.Compute(rec[RecordingFormat.PrefixLength..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(rec[8..], crc);
        Write(rec);
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _file.Write(bytes);
            _position += bytes.Length;
        }
        catch (Exception e) when (IO.OutputFault.IsWriteFault(e))
        {
            // A full disk or a file-size limit: one error naming the file, whichever way .NET reports it.
            _faulted = true;
            throw IO.OutputFault.For(_file.Name, e);
        }
        catch
        {
            // A partial write leaves a partial record; the reader stops before it. Nothing more is appended after it.
            _faulted = true;
            throw;
        }
    }

    private static void WriteFooter(ref MessagePackWriter w, RecordingWriter s)
    {
        w.WriteMapHeader(9);
        w.WriteString("frames"u8); w.Write(s._index.Count);
        w.WriteString("first_seq"u8); w.Write(s._seqs.FirstSeq);
        w.WriteString("last_seq"u8); w.Write(s._seqs.LastSeq);
        w.WriteString("first_ts"u8); w.Write(s._seqs.FirstTimestamp.Ticks);
        w.WriteString("last_ts"u8); w.Write(s._seqs.LastTimestamp.Ticks);
        w.WriteString("frames_after_gap"u8); w.Write(s._seqs.FramesAfterGap);
        w.WriteString("missing_seq"u8); w.Write(s._seqs.MissingSeq);
        w.WriteString("ended_utc"u8); w.Write(DateTimeOffset.UtcNow.ToString("O"));
        w.WriteString("index"u8);
        if (s._options.Index)
        {
            w.WriteArrayHeader(s._index.Count);
            foreach (long o in s._index) w.Write(o);
        }
        else w.WriteNil();
        w.Flush();
    }
}
