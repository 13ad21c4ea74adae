using Microsoft.Extensions.Logging;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// Sends predicted label maps back over the source's connection as 8-bit IMAGE messages, placed
/// over the last received image (its matrix, spacing scaled to the label map's size) so 3D Slicer
/// overlays them.
/// </summary>
/// <remarks>
/// Runs on the sink's task while the receive task owns the connection: the connection and the last
/// image are volatile references swapped by the receiver, the clock is locked, and sends are
/// serialised by a gate. Memory: one send buffer, grown to the largest label message.
/// </remarks>
internal sealed class IgtlLabelSender(string device, IgtlClock clock, ILogger logger, string source)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[] _send = [];
    private volatile IgtlConnection? _connection;
    private volatile IgtlImageHeader? _lastImage;
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The connection maps go to; null while there is none (maps are then dropped, not queued).</summary>
    public IgtlConnection? Connection
    {
        get => _connection;
        set => _connection = value;
    }

    public IgtlImageHeader? LastImage
    {
        set => _lastImage = value;
    }

    /// <returns>False when there is no connection right now.</returns>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> labels, int width, int height, TimeSpan? sourceTime, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await WriteAsync(Build(labels.Span, width, height, sourceTime), ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends <paramref name="frame"/>'s predicted labels, stamped with the frame's source time.</summary>
    public async ValueTask<bool> SendAsync(Core.Frames.Frame frame, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // The labels are read here, before the write's await: a span cannot cross it.
            return await WriteAsync(Build(frame.Labels, frame.OutputWidth, frame.OutputHeight, frame.Info.Timestamp), ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<bool> WriteAsync(int length, CancellationToken ct)
    {
        if (_connection is not { } connection) return false;
        try
        {
            await connection.WriteAsync(_send.AsMemory(0, length), ct).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("{Source}: label map not sent: {Reason}", source, e.Message);
            return false;
        }
    }

    private int Build(ReadOnlySpan<byte> labels, int width, int height, TimeSpan? sourceTime)
    {
        var last = _lastImage;
        var header = new IgtlImageHeader
        {
            Coordinate = last?.Coordinate ?? IgtlImageHeader.CoordinateRas,
            Size = [width, height, 1],
            SubSize = [width, height, 1],
            Matrix = LabelMatrix(last, width, height),
        };
        int length = IgtlImageMessage.LengthOf(header);
        if (_send.Length < length) _send = new byte[length];
        return IgtlImageMessage.Write(_send, device, clock.StampOf(sourceTime), header, labels[..(width * height)]);
    }

    // Same placement as the image; the spacing grows when the label map is coarser (model input size).
    private static float[] LabelMatrix(IgtlImageHeader? image, int width, int height)
    {
        if (image is null) return [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];
        var m = (float[])image.Matrix.Clone();
        float sx = image.SubSize[0] / (float)width, sy = image.SubSize[1] / (float)height;
        for (int i = 0; i < 3; i++) (m[i], m[3 + i]) = (m[i] * sx, m[3 + i] * sy);
        return m;
    }
}
