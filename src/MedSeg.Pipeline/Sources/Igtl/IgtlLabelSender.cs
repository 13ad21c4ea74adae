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
    private (IReadOnlyList<string> Names, IReadOnlyList<(byte R, byte G, byte B)> Colors, string Owner)? _classes;
    private IgtlConnection? _described;
    private (int W, int H) _describedSize;

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

    /// <summary>Class names and colours: when set, LBMETA + COLORTABLE go out before the first map of each connection
    /// (and again when the map's size changes), so 3D Slicer names and colours the segments.</summary>
    public void Describe(IReadOnlyList<string> names, IReadOnlyList<(byte R, byte G, byte B)> colors, string owner) => _classes = (names, colors, owner);

    /// <returns>False when there is no connection right now.</returns>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> labels, int width, int height, TimeSpan? sourceTime, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int length = Build(labels.Span, width, height, sourceTime);
            if (!await DescribeAsync(width, height, ct).ConfigureAwait(false)) return false;
            return await WriteAsync(length, ct).ConfigureAwait(false);
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
            int length = Build(frame.ReadOnlyLabels, frame.OutputWidth, frame.OutputHeight, frame.Info.Timestamp);
            if (!await DescribeAsync(frame.OutputWidth, frame.OutputHeight, ct).ConfigureAwait(false)) return false;
            return await WriteAsync(length, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends LBMETA + COLORTABLE when this connection has not had them for this size; true when nothing failed.</summary>
    private async ValueTask<bool> DescribeAsync(int width, int height, CancellationToken ct)
    {
        if (_classes is not { } classes || _connection is not { } connection) return true;
        if (ReferenceEquals(connection, _described) && _describedSize == (width, height)) return true;
        var message = Messages.IgtlLabelDescription.Build(device, classes.Owner, classes.Names, classes.Colors, width, height, clock.StampOf(null));
        try
        {
            await connection.WriteAsync(message, ct).ConfigureAwait(false);
            (_described, _describedSize) = (connection, (width, height));
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            logger.LogWarning("{Source}: label names and colours not sent: {Reason}", source, e.Message);
            return false;
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
