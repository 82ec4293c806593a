using System.IO.Pipelines;
using System.Net;
using Gateway.Sip.Messages;

namespace Gateway.Sip.Transport;

/// <summary>
/// One TCP or TLS connection: frames messages with Content-Length (RFC 3261 §18.3) and closes on unframeable
/// input, on idle timeout, or when the peer closes. Sends are serialized so messages never interleave.
/// </summary>
internal sealed class StreamSipConnection(Stream stream, IPEndPoint remote, SipTransportOptions options) : IAsyncDisposable
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly SipStreamFramer _framer = new(options.MaxMessageSize);

    public IPEndPoint Remote { get; } = remote;

    /// <summary>Reads until the connection ends; returns why it ended.</summary>
    public async Task<string> ReceiveAsync(Action<SipMessage> onMessage, Action<SipParseError> onInvalid, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, _closed.Token);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                linked.CancelAfter(options.IdleTimeout);
                var read = await reader.ReadAsync(linked.Token);
                var buffer = read.Buffer;
                while (true)
                {
                    var result = _framer.TryFrame(buffer, out var consumed, out var message, out var error);
                    if (result == SipFrameResult.NeedMore) break;
                    if (result == SipFrameResult.Malformed)
                    {
                        onInvalid(error!);
                        return "unframeable input: " + error;
                    }
                    buffer = buffer.Slice(consumed);
                    if (result == SipFrameResult.Complete) onMessage(message!);
                    else if (result == SipFrameResult.Invalid) onInvalid(error!);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted) return "closed by peer";
            }
        }
        catch (OperationCanceledException)
        {
            return stop.IsCancellationRequested ? "transport stopped" : "idle timeout";
        }
        catch (IOException e)
        {
            return e.Message;
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    public async ValueTask<bool> SendAsync(SipMessage message, CancellationToken cancellationToken)
    {
        var bytes = message.ToArray();
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
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
        await stream.DisposeAsync();
    }
}
