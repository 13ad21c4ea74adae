using System.Net.Sockets;
using System.Threading.Channels;
using MedSeg.Core.Frames;
using MedSeg.Imaging.Formats;
using MedSeg.Pipeline.Sources.Igtl.Messages;
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
/// Parts: <see cref="IgtlConnection"/> (TCP, deadlines), <see cref="IgtlMessageCodec"/> (header,
/// CRC, IMAGE decode), <see cref="IgtlLabelSender"/> (label maps back), <see cref="IgtlClock"/>
/// (timestamps); this class is the connect / receive / reconnect loop and the accounting.
/// Memory: one header and one body buffer (the body grown to the largest message, bounded by
/// MaxBodyBytes); frames come from the pool; steady state allocates nothing per message.
/// Notes: header versions 1 and 2 (v2's extended header and metadata are stripped). A body with
/// a wrong CRC or an unusable IMAGE is skipped and counted in <see cref="Problems"/>; an absurd
/// body size cannot be skipped (the stream would be out of step), so it is counted and the
/// connection is reset. A lost connection is reopened with exponential backoff inside RunAsync:
/// the pipeline never restarts. <see cref="Status"/> says what is happening (connecting,
/// connected, refused, lost, reconnecting in N s); each change is an event in the report.
/// <c>Frames</c> counts frames given to the pipeline, across reconnects. Frame timestamps are
/// the sender's, relative to the first message (monotonic time when the sender sends none).
/// </remarks>
public sealed class IgtlSource : IFrameSource, ISourceDiagnostics
{
    private readonly IgtlSourceOptions _options;
    private readonly FramePool _pool;
    private readonly ILogger _logger;
    private readonly IgtlClock _clock = new();
    private readonly IgtlMessageCodec _codec;
    private readonly IgtlLabelSender _labels;
    private volatile string _status = "not started";
    private long _seq, _messages, _images, _ignored, _crcErrors, _oversize, _badImages, _connections, _reconnects;

    private IgtlImageHeader? _geometryOf;
    private FrameGeometry[] _geometry = [];
    private volatile TrackedPose? _pose;

    public IgtlSource(IgtlSourceOptions options, FramePool pool, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options.Validate();
        _pool = pool;
        _logger = logger ?? NullLogger.Instance;
        _codec = new IgtlMessageCodec(_options.MaxBodyBytes);
        _labels = new IgtlLabelSender(_options.LabelDevice, _clock, _logger, Description);
        Problems = new SourceProblemLog(Description, logger);
    }

    public string Description => $"OpenIGTLink igtl://{_options.Host}:{_options.Port}{(_options.Device is { } d ? $" device {d}" : "")}";

    public SourceProblemLog Problems { get; }

    public DisplayWindow? Window => null;

    /// <summary>connecting, connected, refused / lost (why), reconnecting in N s.</summary>
    public string? Status => _status;

    public bool IsConnected => _labels.Connection is not null;

    /// <summary>Frames given to the pipeline.</summary>
    public long Frames => Interlocked.Read(ref _seq);
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
    public long LabelMapsSent => _labels.Sent;

    private bool Done => _options.Frames > 0 && Interlocked.Read(ref _seq) >= _options.Frames;

    public async Task RunAsync(ChannelWriter<Frame> output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(output);
        var backoff = new ReconnectBackoff(_options.BackoffInitial, _options.BackoffMax);
        while (!Done)
        {
            ct.ThrowIfCancellationRequested();
            SetStatus($"connecting to {_options.Host}:{_options.Port}");
            string why;
            IgtlConnection? connection = null;
            try
            {
                connection = await IgtlConnection.ConnectAsync(_options, ct).ConfigureAwait(false);
                Interlocked.Increment(ref _connections);
                SetStatus("connected");
                _labels.Connection = connection;
                if (_options.StartImage) await connection.WriteAsync(IgtlStreamControl.StartImage(_options.Device ?? ""), ct).ConfigureAwait(false);
                await ReceiveAsync(connection, output, backoff, ct).ConfigureAwait(false);
                if (Done)
                {
                    if (_options.StartImage) await connection.WriteAsync(IgtlStreamControl.StopImage(_options.Device ?? ""), ct).ConfigureAwait(false);
                    return;
                }
                why = "lost: connection reset after an absurd message";
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is SocketException or IOException or OperationCanceledException or TimeoutException)
            {
                why = (e, connection) switch
                {
                    (SocketException { SocketErrorCode: SocketError.ConnectionRefused }, null) => "refused: nothing listens there",
                    (SocketException s, null) => $"refused: {s.Message}",
                    (OperationCanceledException, null) => $"refused: no answer within {_options.ConnectTimeout.TotalSeconds:0.#} s",
                    (EndOfStreamException, _) => "lost: server closed the connection",
                    (TimeoutException t, _) => $"lost: {t.Message}",
                    _ => $"lost: {e.Message}",
                };
            }
            finally
            {
                _labels.Connection = null;
                connection?.Dispose();
            }
            if (_options.MaxReconnects > 0 && backoff.Failures >= _options.MaxReconnects)
            {
                SetStatus($"{why}; gave up after {backoff.Failures} reconnect attempts");
                throw new IOException($"{Description}: {why}; gave up after {backoff.Failures} reconnect attempts");
            }
            Interlocked.Increment(ref _reconnects);
            var wait = backoff.Next();
            SetStatus($"{why}; reconnecting in {wait.TotalSeconds:0.##} s");
            await Task.Delay(wait, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a label map (one class id per pixel, rows packed) to the server as an 8-bit IMAGE
    /// from <see cref="IgtlSourceOptions.LabelDevice"/>, placed over the last received image.
    /// </summary>
    /// <returns>False when there is no connection right now (the map is dropped, not queued).</returns>
    public ValueTask<bool> SendLabelMapAsync(ReadOnlyMemory<byte> labels, int width, int height, TimeSpan? sourceTime = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (labels.Length < width * height) throw new ArgumentException($"{width}×{height} labels need {width * height} bytes, got {labels.Length}", nameof(labels));
        return _labels.SendAsync(labels, width, height, sourceTime, ct);
    }

    /// <summary>Sends <paramref name="frame"/>'s predicted <see cref="Frame.Labels"/> back, stamped with the frame's source time.</summary>
    /// <returns>False when there is no connection or the frame has no labels yet.</returns>
    /// <summary>Names and colours of the label map's classes: sent as LBMETA + COLORTABLE before the first map of each connection.</summary>
    public void DescribeLabels(IReadOnlyList<string> classNames, IReadOnlyList<(byte R, byte G, byte B)> colors) =>
        _labels.Describe(classNames, colors, _options.Device ?? "");

    /// <summary>The latest TRANSFORM received (tracked ultrasound: the probe's pose); null before the first.</summary>
    public TrackedPose? LastPose => _pose;

    public ValueTask<bool> SendLabelMapAsync(Frame frame, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.OutputWidth == 0 ? ValueTask.FromResult(false) : _labels.SendAsync(frame, ct);
    }

    private void SetStatus(string status)
    {
        if (status == _status) return;
        _status = status;
        Problems.Event(status);
    }

    private async Task ReceiveAsync(IgtlConnection connection, ChannelWriter<Frame> output, ReconnectBackoff backoff, CancellationToken ct)
    {
        while (!Done)
        {
            await connection.ReadAsync(_codec.Header, waitForFirst: true, "header", ct).ConfigureAwait(false);
            var h = _codec.ParseHeader();
            if (_codec.HeaderProblem(h) is { } fatal)
            {
                Interlocked.Increment(ref _oversize);
                Problems.Record(ItemOf(h), fatal);
                return;
            }
            var body = _codec.Body((int)h.BodySize);
            await connection.ReadAsync(body, waitForFirst: false, "body", ct).ConfigureAwait(false);
            if (IgtlMessageCodec.CrcProblem(h, body.Span) is { } crc)
            {
                Interlocked.Increment(ref _crcErrors);
                Problems.Record(ItemOf(h), crc);
                continue;
            }
            Interlocked.Increment(ref _messages);
            backoff.Reset();
            if (h.Type == IgtlTransform.Type)
            {
                Track(h, body);
                continue;
            }
            if (h.Type != "IMAGE" || (_options.Device is { } device && h.DeviceName != device))
            {
                Interlocked.Increment(ref _ignored);
                continue;
            }
            await EmitAsync(h, body, output, ct).ConfigureAwait(false);
        }
    }

    private async ValueTask EmitAsync(IgtlHeader h, ReadOnlyMemory<byte> body, ChannelWriter<Frame> output, CancellationToken ct)
    {
        IgtlImageHeader image;
        ReadOnlyMemory<byte> pixels;
        try
        {
            (image, pixels) = _codec.DecodeImage(h, body);
        }
        catch (InvalidDataException e)
        {
            Interlocked.Increment(ref _badImages);
            Problems.Record(ItemOf(h), e.Message);
            return;
        }
        Interlocked.Increment(ref _images);
        _labels.LastImage = image;
        if (!ReferenceEquals(image, _geometryOf))
        {
            // The codec hands back the same header object while it does not change: placement is worked out once per change.
            _geometry = Enumerable.Range(0, image.SubSize[2]).Select(k => IgtlImageGeometry.ToFrame(image, k, h.DeviceName)).ToArray();
            _geometryOf = image;
        }
        var format = image.FrameFormat!.Value;
        for (int k = 0; k < image.SubSize[2] && !Done; k++)
        {
            long captured = StageTimes.Now();
            var geometry = _pose is { } pose ? _geometry[k] with { Pose = pose } : _geometry[k];
            var frame = _pool.Rent(new FrameInfo(Interlocked.Read(ref _seq), _clock.TimestampOf(h.Timestamp, captured), image.SubSize[0], image.SubSize[1], format) { Geometry = geometry });
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

    private void Track(in IgtlHeader h, ReadOnlyMemory<byte> body)
    {
        try
        {
            var m = IgtlTransform.Decode(IgtlMessageFraming.Split(h, body).Content.Span);
            _pose = new TrackedPose(h.DeviceName, m) { Timestamp = _clock.TimestampOf(h.Timestamp, StageTimes.Now()) };
        }
        catch (InvalidDataException e)
        {
            Problems.Record(ItemOf(h), e.Message);
        }
    }

    // Names from the wire are untrusted: garbage bytes would print as control characters.
    private static string ItemOf(in IgtlHeader h) => $"{(h.Type.Length > 0 ? Printable(h.Type) : "?")} message from '{Printable(h.DeviceName)}'";

    private static string Printable(string s) => s.All(static c => c is >= ' ' and <= '~') ? s : string.Concat(s.Select(static c => c is >= ' ' and <= '~' ? c : '?'));
}
