using System.IO.Compression;

namespace MedSeg.Imaging.Formats.Nifti;

/// <summary>
/// Slices along z of a .nii.gz, decompressed as they are asked for: a stream that stops after three
/// frames decompresses three slices' worth, and memory is the inflater's window.
/// </summary>
/// <remarks>
/// Forward only: a later slice skips ahead. Reaching the volume's last slice decompresses the rest
/// of the file and checks the gzip CRC-32 and length (<see cref="GzipIntegrity"/>), as reading
/// the whole file does. Going back (a loop, cine) reads the whole volume into memory once, within
/// the same byte limit as <see cref="NiftiVolume.Open"/>, and serves it from there. After a
/// decompression fault every later slice names the same fault: the stream cannot go on.
/// </remarks>
internal sealed class NiftiGzipSlices : INiftiSlices
{
    private readonly string _path;
    private readonly long _start;
    private readonly NiftiSliceLayout _layout;
    private FileStream? _file;
    private GzipIntegrity? _gzip;
    private int _next;
    private NiftiMemorySlices? _memory;
    private MedicalFormatException? _fault;

    public NiftiGzipSlices(string path, long start, NiftiSliceLayout layout)
    {
        if (!layout.Contiguous) throw new ArgumentException("gzip slices are streamed along z only", nameof(layout));
        (_path, _start, _layout) = (path, start, layout);
    }

    public void ReadRaw(int index, Span<byte> raw)
    {
        if (_fault is not null) throw new MedicalFormatException(_path, _fault.Reason, _fault.Offset, _fault);
        if (_memory is not null)
        {
            _memory.ReadRaw(index, raw);
            return;
        }
        try
        {
            if (index < _next)
            {
                _memory = new NiftiMemorySlices(ReadWholeVolume(), _layout);
                Close();
                _memory.ReadRaw(index, raw);
                return;
            }
            var gzip = Opened();
            Skip(gzip, (index - _next) * _layout.SliceBytes);
            Fill(gzip, raw[..(int)_layout.SliceBytes]);
            _next = index + 1;
            if (_next == _layout.Count)
            {
                VerifyToEnd(gzip);
                Close();
                _next = int.MaxValue; // a read after the end goes back: served from memory
            }
        }
        catch (MedicalFormatException e)
        {
            _fault = e;
            Close();
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            _fault = new MedicalFormatException(_path, $"cannot read (gzip): {e.Message} (corrupt)", null, e);
            Close();
            throw _fault;
        }
    }

    public void Dispose() => Close();

    private GzipIntegrity Opened()
    {
        if (_gzip is not null) return _gzip;
        _file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        _gzip = new GzipIntegrity(new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true));
        Skip(_gzip, _start);
        _next = 0;
        return _gzip;
    }

    private byte[] ReadWholeVolume()
    {
        Close();
        var gzip = Opened();
        var data = new byte[_layout.SliceBytes * _layout.Count];
        Fill(gzip, data);
        VerifyToEnd(gzip);
        return data;
    }

    // The check covers the whole file but is only known after its last slice: the slices already
    // streamed may be wrong too, and the message says so.
    private void VerifyToEnd(GzipIntegrity gzip)
    {
        try
        {
            gzip.VerifyToEnd(_path, _file!);
        }
        catch (MedicalFormatException e)
        {
            throw new MedicalFormatException(_path, $"{e.Reason}; found after the last slice, so the slices before it may be damaged too", e.Offset, e);
        }
    }

    private void Skip(Stream s, long count)
    {
        Span<byte> sink = stackalloc byte[4096];
        while (count > 0)
        {
            int n = s.Read(sink[..(int)Math.Min(sink.Length, count)]);
            if (n == 0) throw Truncated(s);
            count -= n;
        }
    }

    private void Fill(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) throw Truncated(s);
            total += n;
        }
    }

    private MedicalFormatException Truncated(Stream s) =>
        new(_path, $"truncated: the decompressed data ends at byte {s.Position}, inside slice data the header declares", null);

    private void Close()
    {
        _gzip?.Dispose();
        _file?.Dispose();
        (_gzip, _file) = (null, null);
    }
}
