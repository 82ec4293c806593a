using System.Buffers;
using Org.BouncyCastle.Tls;

namespace Gateway.Media.Dtls;

/// <summary>
/// BouncyCastle's <see cref="DatagramTransport"/> over datagrams the caller moves: received datagrams wait in a
/// bounded queue (pooled copies) until the handshake thread reads them with its retransmission timeout; sends go
/// to the caller's callback. Losing a datagram is harmless: DTLS retransmits flights (RFC 6347 §4.2.4).
/// </summary>
internal sealed class DtlsDatagramPipe(Action<ReadOnlyMemory<byte>> send, int capacity, int sendLimit) : DatagramTransport
{
    /// <summary>Larger datagrams are dropped: browsers keep DTLS records under the path MTU.</summary>
    public const int ReceiveLimit = 8192;

    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Length)> _queue = new();
    private bool _receiving = true;
    private volatile bool _sending = true;
    private bool _receivedSinceSend;
    private readonly List<byte[]> _lastFlight = [];

    /// <summary>Copies one received datagram in; false if it was dropped (closed, full, empty or too large).</summary>
    public bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty || datagram.Length > ReceiveLimit) return false;
        lock (_gate)
        {
            if (!_receiving || _queue.Count >= capacity) return false;
            var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
            datagram.CopyTo(buffer);
            _queue.Enqueue((buffer, datagram.Length));
            Monitor.Pulse(_gate);
            return true;
        }
    }

    /// <summary>Stops taking datagrams and wakes the handshake thread, whose next read throws.</summary>
    public void StopReceiving()
    {
        lock (_gate)
        {
            _receiving = false;
            while (_queue.TryDequeue(out var item)) ArrayPool<byte>.Shared.Return(item.Buffer);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Copies of the datagrams of our most recent flight (what we sent since we last received).</summary>
    public byte[][] LastFlight()
    {
        lock (_gate) return [.. _lastFlight];
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => sendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        lock (_gate)
        {
            long deadline = Environment.TickCount64 + Math.Max(0, waitMillis);
            while (_receiving && _queue.Count == 0)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) return -1;
                Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
            }
            if (!_receiving) throw new DtlsPipeClosedException();
            var (datagram, length) = _queue.Dequeue();
            int n = Math.Min(length, buffer.Length);
            datagram.AsSpan(0, n).CopyTo(buffer);
            ArrayPool<byte>.Shared.Return(datagram);
            _receivedSinceSend = true;
            return n;
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!_sending) return;
        // A copy: the callback may hand it to an asynchronous socket send.
        var copy = buffer.ToArray();
        lock (_gate)
        {
            if (_receivedSinceSend) _lastFlight.Clear();
            _receivedSinceSend = false;
            _lastFlight.Add(copy);
        }
        SendRaw(copy);
    }

    /// <summary>Sends a datagram as is; a failing callback is a lost datagram, never an error.</summary>
    public void SendRaw(byte[] datagram)
    {
        if (!_sending) return;
        try { send(datagram); }
        catch (Exception) { /* UDP send failures are losses; DTLS retransmits. */ }
    }

    /// <summary>Called by BouncyCastle after close_notify or a fatal alert, and by Dispose: nothing more in or out.</summary>
    public void Close()
    {
        _sending = false;
        StopReceiving();
    }
}

/// <summary>The pipe was stopped (timeout or dispose) while the handshake thread waited for a datagram.</summary>
internal sealed class DtlsPipeClosedException() : IOException("DTLS datagram pipe closed");
