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
        // Before open: opening a named pipe would block until a writer comes.
        if (Limits.InputFiles.Problem(path) is { } notAFile) throw new RecordingFormatException(path, 0, notAFile);
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

    /// <summary>The preamble's format version (1 or 2; version 1 files carry no geometry).</summary>
    public uint FormatVersion { get; private set; }

    /// <summary>The footer, when the trailer points at a valid one (a closed session); null otherwise.</summary>
    public SessionFooter? Footer { get; private set; }

    /// <summary>File size when opened.</summary>
    public long FileLength { get; }

    public long FirstFrameOffset { get; }

    /// <summary>Where the next record starts.</summary>
    public long Position => _position;

    /// <summary>Set when <see cref="ReadNext"/> returned false: where and why the readable data ends.</summary>
    public RecordingEnd? End { get; private set; }

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
                    FrameRecordParser.Parse(_payload.AsMemory(0, length), Header, frame, planes, _o, _security);
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
                    Footer ??= FooterRecordParser.Parse(_payload.AsMemory(0, length), _o, _security);
                }
                catch (Exception e) when (IsFormatError(e))
                {
                    return Stop(RecordingEndKind.Corrupt, at, $"footer at byte {at} is malformed: {e.Message}");
                }
                End = new RecordingEnd(RecordingEndKind.Footer, at, 0, $"closed properly; footer at byte {at}");
                return false;
            }
            if (kind == RecordingFormat.HeaderKind) return Stop(RecordingEndKind.Corrupt, at, $"a second header record at byte {at}");
            // Otherwise an unknown kind with a valid checksum: a newer minor version's addition, skipped.
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
        if (!RecordingFormat.IsReadable(version))
            throw new RecordingFormatException(Path, 8, $"format version {version} is not supported (this build reads versions {RecordingFormat.OldestReadableVersion}–{RecordingFormat.Version})");
        FormatVersion = version;
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
            return HeaderRecordParser.Parse(_payload.AsMemory(0, length), _o, _security);
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
            return FooterRecordParser.Parse(_payload.AsMemory(0, length), _o, _security);
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
}
