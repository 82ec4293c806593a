using System.IO.Pipelines;
using System.Net;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Transport;

/// <summary>Why a <see cref="StreamSipConnection"/> stopped reading.</summary>
internal enum StreamCloseReason
{
    ClosedByPeer,
    TransportStopped,
    IdleTimeout,
    /// <summary>An accepted connection sent no complete message within <see cref="SipTransportOptions.FirstMessageTimeout"/>.</summary>
    FirstMessageTimeout,
    Unframeable,
    /// <summary>The message handler asked to close (the source is blocked).</summary>
    Refused,
    ReadError,
}

/// <summary>
/// One TCP or TLS connection: frames messages with Content-Length (RFC 3261 §18.3) and closes on unframeable
/// input, on idle timeout (the short first-message timeout for an accepted connection that has not yet sent a complete
/// message), or when the peer closes. Sends are serialized so messages never interleave.
/// </summary>
internal sealed class StreamSipConnection(Stream stream, IPEndPoint remote, SipTransportOptions options, bool accepted) : IAsyncDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly SipStreamFramer _framer = new(options.MaxMessageSize);
    private bool _sentMessage = !accepted;

    public IPEndPoint Remote { get; } = remote;
    public bool Accepted { get; } = accepted;

    /// <summary>Reads until the connection ends; returns why it ended. <paramref name="onMessage"/> returns false to close.</summary>
    public async Task<(StreamCloseReason Reason, string? Detail)> ReceiveAsync(Func<SipMessage, bool> onMessage, Action<SipParseError> onInvalid, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _closed.Token);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                linked.CancelAfter(_sentMessage ? options.IdleTimeout : options.FirstMessageTimeout);
                var read = await reader.ReadAsync(linked.Token);
                var buffer = read.Buffer;
                while (true)
                {
                    var result = _framer.TryFrame(buffer, out var consumed, out var message, out var error);
                    if (result == SipFrameResult.NeedMore) break;
                    if (result == SipFrameResult.Malformed)
                    {
                        onInvalid(error!);
                        return (StreamCloseReason.Unframeable, error!.ToString());
                    }
                    buffer = buffer.Slice(consumed);
                    if (result == SipFrameResult.Complete)
                    {
                        _sentMessage = true;
                        if (!onMessage(message!)) return (StreamCloseReason.Refused, null);
                    }
                    else if (result == SipFrameResult.Invalid) onInvalid(error!);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return (StreamCloseReason.ClosedByPeer, null);
            }
        }
        catch (OperationCanceledException)
        {
            return stop.IsCancellationRequested ? (StreamCloseReason.TransportStopped, null)
                : _sentMessage ? (StreamCloseReason.IdleTimeout, null) : (StreamCloseReason.FirstMessageTimeout, null);
        }
        catch (Exception e)
        {
            // IOException for a reset, but also anything else: one connection's failure never escapes to the transport.
            return (StreamCloseReason.ReadError, e.GetType().Name + ": " + e.Message);
        }
        finally
        {
            try { await reader.CompleteAsync(); }
            catch (Exception) { /* the stream is already broken */ }
        }
    }

    public async ValueTask<bool> SendAsync(SipMessage message, CancellationToken cancellationToken)
    {
        var bytes = message.ToArray();
        try
        {
            await _sendLock.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        try
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed.Cancel();
        try { await stream.DisposeAsync(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }
}
