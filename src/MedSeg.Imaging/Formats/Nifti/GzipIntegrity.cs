using System.Buffers.Binary;
using MedSeg.Core.Recording;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>
/// Reads a gzip stream through to its end and checks it against the file's trailer: the CRC-32
/// and the length (ISIZE, mod 2^32) of everything decompressed.
/// </summary>
/// <remarks>
/// .NET's GZipStream stops at the end of the compressed data without complaint when the trailer
/// is missing, and a reader that takes only the bytes it needs never reaches the check: a flipped
/// compressed byte or a file cut before its last 8 bytes then streams wrong pixels. Single-member
/// gzip (what nibabel, FSL and dcm2niix write); the CRC is the zlib one, as in recordings.
/// </remarks>
internal sealed class GzipIntegrity : Stream
{
    private readonly Stream _inner;
    private uint _crc;
    private long _length;

    public GzipIntegrity(Stream decompressed) => _inner = decompressed;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        _crc = Crc32.Compute(buffer[..n], _crc);
        _length += n;
        return n;
    }

    /// <summary>Decompresses the rest and compares CRC and length with the trailer of <paramref name="file"/>.</summary>
    /// <exception cref="MedicalFormatException">The trailer is missing or does not match.</exception>
    public void VerifyToEnd(string path, FileStream file)
    {
        var sink = new byte[64 * 1024];
        while (Read(sink) > 0) { }
        if (file.Length < 18) throw new MedicalFormatException(path, "gzip file too short to hold its 8-byte trailer (truncated)", file.Length);
        Span<byte> trailer = stackalloc byte[8];
        file.Position = file.Length - 8;
        file.ReadExactly(trailer);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer), size = BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]);
        if (size != (uint)_length)
            throw new MedicalFormatException(path, $"gzip length check failed: the trailer says {size} bytes (mod 2^32) but {_length} decompressed (truncated or corrupt)", file.Length - 4);
        if (crc != _crc)
            throw new MedicalFormatException(path, $"gzip CRC-32 check failed: trailer 0x{crc:X8}, data 0x{_crc:X8} (corrupt)", file.Length - 8);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
