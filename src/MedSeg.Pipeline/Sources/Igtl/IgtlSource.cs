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
    private IgtlImageHeader? _lastImage;
    private ulong _firstTimestamp;
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
        long seq = 0;
        while (_options.Frames == 0 || seq < _options.Frames)
        {
            ct.ThrowIfCancellationRequested();
            string why;
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
                    _logger.LogInformation("{Source}: connected", Description);
                    _stream = client.GetStream();
                    seq = await ReceiveAsync(_stream, output, seq, backoff, ct).ConfigureAwait(false);
                    if (_options.Frames > 0 && seq >= _options.Frames) return;
                    why = "connection reset after an absurd message";
                }
                catch (Exception e) when (!ct.IsCancellationRequested && e is SocketException or IOException or OperationCanceledException)
                {
                    why = e is EndOfStreamException ? "server closed the connection" : e is OperationCanceledException ? "connect timed out" : e.Message;
                }
                finally
                {
                    _stream = null;
                }
            }
            if (_options.MaxReconnects > 0 && backoff.Failures >= _options.MaxReconnects)
                throw new IOException($"{Description}: {why}; gave up after {backoff.Failures} reconnect attempts");
            Interlocked.Increment(ref _reconnects);
            var wait = backoff.Next();
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

    private async Task<long> ReceiveAsync(NetworkStream stream, ChannelWriter<Frame> output, long seq, ReconnectBackoff backoff, CancellationToken ct)
    {
        while (_options.Frames == 0 || seq < _options.Frames)
        {
            await stream.ReadExactlyAsync(_header, ct).ConfigureAwait(false);
            var h = IgtlHeader.Parse(_header);
            string item = $"{(h.Type.Length > 0 ? h.Type : "?")} message from '{h.DeviceName}'";
            if (h.BodySize > (ulong)_options.MaxBodyBytes || h.Version is not (1 or 2))
            {
                Interlocked.Increment(ref _oversize);
                Problems.Record(item, h.Version is 1 or 2
                    ? $"absurd body size {h.BodySize} bytes (limit {_options.MaxBodyBytes}); connection reset to resynchronise"
                    : $"header version {h.Version} is not 1 or 2 (stream out of step or not OpenIGTLink); connection reset");
                return seq;
            }
            int size = (int)h.BodySize;
            if (_body.Length < size) _body = new byte[Math.Max(size, _body.Length * 2 > _options.MaxBodyBytes ? size : _body.Length * 2)];
            await stream.ReadExactlyAsync(_body.AsMemory(0, size), ct).ConfigureAwait(false);
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
            seq = await EmitAsync(h, body, item, output, seq, ct).ConfigureAwait(false);
        }
        return seq;
    }

    private async ValueTask<long> EmitAsync(IgtlHeader h, ReadOnlyMemory<byte> body, string item, ChannelWriter<Frame> output, long seq, CancellationToken ct)
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
            return seq;
        }
        Interlocked.Increment(ref _images);
        _lastImage = image;
        for (int k = 0; k < image.SubSize[2] && (_options.Frames == 0 || seq < _options.Frames); k++, seq++)
        {
            long captured = StageTimes.Now();
            var frame = _pool.Rent(new FrameInfo(seq, TimestampOf(h, captured), image.SubSize[0], image.SubSize[1], format));
            try
            {
                image.CopySlice(pixels.Span, k, frame.Pixels);
                frame.Times.Captured = captured;
                frame.Times.Queued = StageTimes.Now();
                await output.WriteAsync(frame, ct).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
        return seq;
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
        if (_firstLocal == 0) (_firstLocal, _firstTimestamp) = (captured, h.Timestamp);
        if (h.Timestamp != 0 && _firstTimestamp != 0 && h.Timestamp >= _firstTimestamp)
            return IgtlHeader.ToTime(h.Timestamp) - IgtlHeader.ToTime(_firstTimestamp);
        return TimeSpan.FromSeconds((captured - _firstLocal) / (double)Stopwatch.Frequency);
    }

    private int BuildLabelMessage(ReadOnlySpan<byte> labels, int width, int height, TimeSpan? sourceTime)
    {
        var header = new IgtlImageHeader
        {
            Coordinate = _lastImage?.Coordinate ?? IgtlImageHeader.CoordinateRas,
            Size = [width, height, 1],
            SubSize = [width, height, 1],
            Matrix = LabelMatrix(_lastImage, width, height),
        };
        int length = IgtlImageMessage.LengthOf(header);
        if (_send.Length < length) _send = new byte[length];
        ulong stamp = sourceTime is { } t && _firstTimestamp != 0
            ? IgtlHeader.FromTime(IgtlHeader.ToTime(_firstTimestamp) + t)
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
