using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>
/// An OpenIGTLink client (the protocol of PLUS and 3D Slicer): connects to a server, turns its
/// IMAGE messages into frames, and can send the predicted label map back as an IMAGE message.
/// </summary>
/// <remarks>
/// Inputs: a TCP server. Outputs: one frame per IMAGE slice (8/16-bit or float32 scalars, 1 or 3
/// components; RGB becomes Bgr24, int8 widens to Int16, big-endian pixels are swapped).
/// Options: <see cref="IgtlSourceOptions"/>.
/// Memory: one body buffer, grown to the largest message seen (bounded by MaxBodyBytes), and
/// one send buffer; frames come from the pool.
/// Notes: header versions 1 and 2 (v2's extended header and metadata are stripped). A body with
/// a wrong CRC or an unusable IMAGE is skipped and counted in <see cref="Problems"/>; an absurd
/// body size cannot be skipped (the stream would be out of step), so it is counted and the
/// connection is reset. A lost connection is reopened with exponential backoff inside RunAsync:
/// the pipeline never restarts. Frame timestamps are the sender's, relative to the first
/// message received (monotonic time since the first frame when the sender sends none).
/// </remarks>
public sealed class IgtlSource : IFrameSource, ISourceDiagnostics
{
    private readonly IgtlSourceOptions _options;
    private readonly FramePool _pool;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly byte[] _header = new byte[IgtlHeader.Size];
    private byte[] _body = new byte[64 * 1024];
    private byte[] _send = [];
    private volatile NetworkStream? _stream;
    // Written on the receive task, read by the label sender's: a volatile reference and a locked clock pair.
    private volatile IgtlImageHeader? _lastImage;
    private readonly Lock _clockGate = new();
    private ulong _firstTimestamp;
    private volatile string _status = "not started";
    private long _seq;
    private long _firstLocal, _messages, _images, _ignored, _crcErrors, _oversize, _badImages, _connections, _reconnects, _sent;

    public IgtlSource(IgtlSourceOptions options, FramePool pool, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        _logger = logger ?? NullLogger.Instance;
        Problems = new SourceProblemLog(Description, logger);
    }

    public string Description => $"OpenIGTLink igtl://{_options.Host}:{_options.Port}{(_options.Device is { } d ? $" device {d}" : "")}";

    public SourceProblemLog Problems { get; }

    public DisplayWindow? Window => null;

    public bool IsConnected => _stream is not null;

    /// <summary>connecting, connected, refused / lost (why), reconnecting in N s: for the status line and the report.</summary>
    public string? Status => _status;

    /// <summary>How long the rest of a header, and a body, may take once their first byte came: a server stopping mid-message is a lost connection, not a hang.</summary>
    public static readonly TimeSpan MessageDeadline = TimeSpan.FromSeconds(5);

    /// <summary>Messages received with a valid CRC (any type).</summary>
    public long Messages => Interlocked.Read(ref _messages);
    public long Images => Interlocked.Read(ref _images);
    /// <summary>Valid messages that are not IMAGE, or from another device than the one asked for.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);
    public long CrcErrors => Interlocked.Read(ref _crcErrors);
    public long OversizeMessages => Interlocked.Read(ref _oversize);
    public long BadImages => Interlocked.Read(ref _badImages);
    /// <summary>Successful connects (1 + reconnects that worked).</summary>
    public long Connections => Interlocked.Read(ref _connections);
    /// <summary>Connection losses and failed connects, each followed by a backoff wait.</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);
    public long LabelMapsSent => Interlocked.Read(ref _sent);

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        var backoff = new ReconnectBackoff(_options.BackoffInitial, _options.BackoffMax);
        // Frames counts frames given to the pipeline, kept across reconnects (a loss must not reset it).
        while (_options.Frames == 0 || Interlocked.Read(ref _seq) < _options.Frames)
        {
            ct.ThrowIfCancellationRequested();
            string why;
            SetStatus($"connecting to {_options.Host}:{_options.Port}");
            using (var client = new TcpClient { NoDelay = true })
            {
                try
                {
                    using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        timeout.CancelAfter(_options.ConnectTimeout);
                        await client.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
                    }
                    Interlocked.Increment(ref _connections);
                    SetStatus("connected");
                    _stream = client.GetStream();
                    await ReceiveAsync(_stream, output, backoff, ct).ConfigureAwait(false);
                    if (_options.Frames > 0 && Interlocked.Read(ref _seq) >= _options.Frames) return;
                    why = "lost: connection reset after an absurd message";
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is SocketException or IOException or OperationCanceledException or TimeoutException)
                {
                    why = e switch
                    {
                        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "refused: nothing listens there",
                        SocketException s when _stream is null => $"refused: {s.Message}",
                        EndOfStreamException => "lost: server closed the connection",
                        TimeoutException t => $"lost: {t.Message}",
                        OperationCanceledException => "refused: connect timed out",
                        _ => $"lost: {e.Message}",
                    };
                }
                finally
                {
                    _stream = null;
                }
            }
            if (_options.MaxReconnects > 0 && backoff.Failures >= _options.MaxReconnects)
            {
                SetStatus($"{why}; gave up after {backoff.Failures} reconnect attempts");
                throw new IOException($"{Description}: {why}; gave up after {backoff.Failures} reconnect attempts");
            }
            Interlocked.Increment(ref _reconnects);
            var wait = backoff.Next();
            SetStatus($"{why}; reconnecting in {wait.TotalSeconds:0.##} s");
            _logger.LogWarning("{Source}: {Why}; reconnecting in {Wait} ms", Description, why, wait.TotalMilliseconds);
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a label map (one class id per pixel, rows packed) to the server as an 8-bit IMAGE
    /// from <see cref="IgtlSourceOptions.LabelDevice"/>, placed over the last received image
    /// (its matrix, with spacing scaled to the label map's size) so 3D Slicer overlays it.
    /// </summary>
    /// <returns>False when there is no connection right now (the map is dropped, not queued).</returns>
    public async ValueTask<bool> SendLabelMapAsync(ReadOnlyMemory<byte> labels, int width, int height, TimeSpan? sourceTime = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (labels.Length < width * height) throw new ArgumentException($"{width}×{height} labels need {width * height} bytes, got {labels.Length}", nameof(labels));
        await _sendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int length = BuildLabelMessage(labels.Span, width, height, sourceTime);
            return await SendAsync(length, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Sends <paramref name="frame"/>'s predicted <see cref="Frame.Labels"/> back, stamped with the frame's source time.</summary>
    /// <returns>False when there is no connection or the frame has no labels yet.</returns>
    public async ValueTask<bool> SendLabelMapAsync(Frame frame, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.OutputWidth == 0) return false;
        await _sendGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int length = BuildLabelMessage(frame.Labels, frame.OutputWidth, frame.OutputHeight, frame.Info.Timestamp);
            return await SendAsync(length, ct).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private void SetStatus(string status)
    {
        if (status == _status) return;
        _status = status;
        Problems.Event(status);
    }

    // The first byte may take as long as the server likes (a paused scanner); the rest of the message has a deadline.
    private static async ValueTask ReadMessagePartAsync(NetworkStream stream, Memory<byte> buffer, bool waitForFirst, string what, CancellationToken ct)
    {
        int got = 0;
        if (waitForFirst && buffer.Length > 0)
        {
            got = await stream.ReadAsync(buffer[..1], ct).ConfigureAwait(false);
            if (got == 0) throw new EndOfStreamException();
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(MessageDeadline);
        try
        {
            while (got < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer[got..], deadline.Token).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException();
                got += n;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"server stopped mid-{what} ({got} of {buffer.Length} bytes in {MessageDeadline.TotalSeconds:0} s)");
        }
    }

    private async Task ReceiveAsync(NetworkStream stream, ChannelWriter<Frame> output, ReconnectBackoff backoff, CancellationToken ct)
    {
        while (_options.Frames == 0 || Interlocked.Read(ref _seq) < _options.Frames)
        {
            await ReadMessagePartAsync(stream, _header, waitForFirst: true, "header", ct).ConfigureAwait(false);
            var h = IgtlHeader.Parse(_header);
            string item = $"{(h.Type.Length > 0 ? h.Type : "?")} message from '{h.DeviceName}'";
            if (h.BodySize > (ulong)_options.MaxBodyBytes || h.Version is not (1 or 2))
            {
                Interlocked.Increment(ref _oversize);
                Problems.Record(item, h.Version is 1 or 2
                    ? $"absurd body size {h.BodySize} bytes (limit {_options.MaxBodyBytes}); connection reset to resynchronise"
                    : $"header version {h.Version} is not 1 or 2 (stream out of step or not OpenIGTLink); connection reset");
                return;
            }
            int size = (int)h.BodySize;
            if (_body.Length < size) _body = new byte[Math.Max(size, _body.Length * 2 > _options.MaxBodyBytes ? size : _body.Length * 2)];
            await ReadMessagePartAsync(stream, _body.AsMemory(0, size), waitForFirst: false, "body", ct).ConfigureAwait(false);
            var body = _body.AsMemory(0, size);
            ulong crc = Crc64Ecma.Compute(body.Span);
            if (crc != h.Crc)
            {
                Interlocked.Increment(ref _crcErrors);
                Problems.Record(item, $"CRC-64 mismatch (header 0x{h.Crc:X16}, body 0x{crc:X16}); message skipped");
                continue;
            }
            Interlocked.Increment(ref _messages);
            backoff.Reset();
            if (h.Type != "IMAGE" || (_options.Device is { } device && h.DeviceName != device))
            {
                Interlocked.Increment(ref _ignored);
                continue;
            }
            await EmitAsync(h, body, item, output, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask EmitAsync(IgtlHeader h, ReadOnlyMemory<byte> body, string item, ChannelWriter<Frame> output, CancellationToken ct)
    {
        IgtlImageHeader image;
        ReadOnlyMemory<byte> pixels;
        PixelFormat format;
        try
        {
            var content = Content(h, body);
            image = IgtlImageHeader.Parse(content.Span);
            format = image.FrameFormat ?? throw new InvalidDataException($"{image.Components} component(s) of scalar type {image.ScalarType} are not supported (only 8/16-bit or float32 scalars, 1 component, or 8-bit RGB)");
            if (content.Length - IgtlImageHeader.Length < image.PixelBytes)
                throw new InvalidDataException($"image header announces {image.PixelBytes} pixel bytes but the body carries {content.Length - IgtlImageHeader.Length}");
            pixels = content[IgtlImageHeader.Length..];
        }
        catch (InvalidDataException e)
        {
            Interlocked.Increment(ref _badImages);
            Problems.Record(item, e.Message);
            return;
        }
        Interlocked.Increment(ref _images);
        _lastImage = image;
        for (int k = 0; k < image.SubSize[2] && (_options.Frames == 0 || Interlocked.Read(ref _seq) < _options.Frames); k++)
        {
            long seq = Interlocked.Read(ref _seq);
            long captured = StageTimes.Now();
            var frame = _pool.Rent(new FrameInfo(seq, TimestampOf(h, captured), image.SubSize[0], image.SubSize[1], format));
            try
            {
                image.CopySlice(pixels.Span, k, frame.Pixels);
                frame.Times.Captured = captured;
                frame.Times.Queued = StageTimes.Now();
                await output.WriteAsync(frame, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _seq);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }

    // Version 2 bodies wrap the content: a 12-byte (or longer) extended header before it, metadata after it.
    private static ReadOnlyMemory<byte> Content(IgtlHeader h, ReadOnlyMemory<byte> body)
    {
        if (h.Version < 2) return body;
        var span = body.Span;
        if (span.Length < 12) throw new InvalidDataException($"v2 body of {span.Length} bytes is shorter than its extended header");
        int extended = BinaryPrimitives.ReadUInt16BigEndian(span);
        long metaHeader = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        long metaSize = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
        long end = span.Length - metaHeader - metaSize;
        if (extended < 12 || end < extended) throw new InvalidDataException($"v2 extended header ({extended} bytes) and metadata ({metaHeader}+{metaSize} bytes) do not fit the {span.Length}-byte body");
        return body[extended..(int)end];
    }

    private TimeSpan TimestampOf(IgtlHeader h, long captured)
    {
        ulong first;
        long firstLocal;
        lock (_clockGate)
        {
            if (_firstLocal == 0) (_firstLocal, _firstTimestamp) = (captured, h.Timestamp);
            (first, firstLocal) = (_firstTimestamp, _firstLocal);
        }
        if (h.Timestamp != 0 && first != 0 && h.Timestamp >= first)
            return IgtlHeader.ToTime(h.Timestamp) - IgtlHeader.ToTime(first);
        return TimeSpan.FromSeconds((captured - firstLocal) / (double)Stopwatch.Frequency);
    }

    private int BuildLabelMessage(ReadOnlySpan<byte> labels, int width, int height, TimeSpan? sourceTime)
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
        ulong first;
        lock (_clockGate) first = _firstTimestamp;
        ulong stamp = sourceTime is { } t && first != 0
            ? IgtlHeader.FromTime(IgtlHeader.ToTime(first) + t)
            : IgtlHeader.FromTime(DateTime.UtcNow - DateTime.UnixEpoch);
        return IgtlImageMessage.Write(_send, _options.LabelDevice, stamp, header, labels[..(width * height)]);
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

    private async ValueTask<bool> SendAsync(int length, CancellationToken ct)
    {
        if (_stream is not { } stream) return false;
        try
        {
            await stream.WriteAsync(_send.AsMemory(0, length), ct).ConfigureAwait(false);
            Interlocked.Increment(ref _sent);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            _logger.LogWarning("{Source}: label map not sent: {Reason}", Description, e.Message);
            return false;
        }
    }
}
