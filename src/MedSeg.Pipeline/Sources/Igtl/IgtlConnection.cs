using System.Net.Sockets;

namespace MedSeg.Pipeline.Sources.Igtl;

/// <summary>One TCP connection to an OpenIGTLink server: connect with a timeout, read message parts with a deadline, write whole messages.</summary>
/// <remarks>
/// The first byte of a message may take as long as the server likes (a paused scanner sends
/// nothing); once it has come, the rest must follow within the message timeout, so a server that
/// stops mid-header or mid-body is a lost connection, not a hang. Memory: one deadline token
/// source, reset between reads; NetworkStream's reads and writes reuse their socket event args.
/// Reads belong to one task; writes may come from another (the label sender) and are serialised by it.
/// </remarks>
internal sealed class IgtlConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _messageTimeout;
    private CancellationTokenSource _deadline = new();

    private IgtlConnection(TcpClient client, TimeSpan messageTimeout)
    {
        _client = client;
        _stream = client.GetStream();
        _messageTimeout = messageTimeout;
    }

    /// <exception cref="SocketException">Refused or unreachable.</exception>
    /// <exception cref="OperationCanceledException">The connect timed out (or <paramref name="ct"/> was cancelled).</exception>
    public static async Task<IgtlConnection> ConnectAsync(IgtlSourceOptions o, CancellationToken ct)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(o.ConnectTimeout);
            await client.ConnectAsync(o.Host, o.Port, timeout.Token).ConfigureAwait(false);
            return new IgtlConnection(client, o.MessageTimeout);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; with <paramref name="waitForFirst"/> the first byte is awaited without a deadline.</summary>
    /// <exception cref="EndOfStreamException">The server closed the connection.</exception>
    /// <exception cref="TimeoutException">The server stopped mid-<paramref name="what"/>.</exception>
    public async ValueTask ReadAsync(Memory<byte> buffer, bool waitForFirst, string what, CancellationToken ct)
    {
        int got = 0;
        if (waitForFirst && buffer.Length > 0)
        {
            got = await _stream.ReadAsync(buffer[..1], ct).ConfigureAwait(false);
            if (got == 0) throw new EndOfStreamException();
        }
        if (!_deadline.TryReset())
        {
            _deadline.Dispose();
            _deadline = new CancellationTokenSource();
        }
        _deadline.CancelAfter(_messageTimeout);
        using var link = ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _deadline) : default;
        try
        {
            while (got < buffer.Length)
            {
                int n = await _stream.ReadAsync(buffer[got..], _deadline.Token).ConfigureAwait(false);
                if (n == 0) throw new EndOfStreamException();
                got += n;
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"server stopped mid-{what} ({got} of {buffer.Length} bytes in {_messageTimeout.TotalSeconds:0.#} s)");
        }
        finally
        {
            _deadline.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> message, CancellationToken ct) => _stream.WriteAsync(message, ct);

    public void Dispose()
    {
        _stream.Dispose();
        _client.Dispose();
        _deadline.Dispose();
    }
}
