namespace MedSeg.Core.IO;

/// <summary>A FileStream whose write faults name the file (<see cref="OutputFault"/>).</summary>
/// <remarks>
/// Only the calls into the file are translated, so an exception a writer throws itself is
/// never mistaken for a full disk. Buffered bytes reach the disk in Flush or Dispose: those fail too.
/// </remarks>
internal sealed class OutputFileStream : Stream
{
    private readonly FileStream _file;
    private readonly string _path;

    public OutputFileStream(FileStream file, string path)
    {
        _file = file;
        _path = path;
    }

    public override bool CanRead => false;
    public override bool CanSeek => _file.CanSeek;
    public override bool CanWrite => true;
    public override long Length => _file.Length;

    public override long Position
    {
        get => _file.Position;
        set => _file.Position = value;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _file.Write(buffer);
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            throw OutputFault.For(_path, e);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _file.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            throw OutputFault.For(_path, e);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        try
        {
            _file.Flush();
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            throw OutputFault.For(_path, e);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => _file.Seek(offset, origin);
    public override void SetLength(long value) => _file.SetLength(value);

    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            base.Dispose(disposing);
            return;
        }
        try
        {
            _file.Dispose();
        }
        catch (Exception e) when (OutputFault.IsWriteFault(e))
        {
            throw OutputFault.For(_path, e);
        }
        finally
        {
            base.Dispose(disposing);
        }
    }
}
