using System.Net;
using System.Runtime.InteropServices;
using static Gateway.Media.Net.Batched.LinuxSockets;

namespace Gateway.Media.Net.Batched;

/// <summary>
/// What one pass of a media thread sends: datagrams are copied in as the relay produces them and go out when the pass
/// ends (or the batch is full), as one <c>sendmmsg</c> per socket. Nothing waits for more packets than the pass has.
/// A datagram the kernel refuses is lost, as UDP allows (counted).
/// </summary>
internal sealed unsafe class OutgoingDatagrams : IDisposable
{
    private readonly MessageBatch _batch;
    private readonly MMsgHdr* _group;
    private readonly UdpMediaSocket?[] _sockets;
    private int _count;

    public OutgoingDatagrams(int capacity, int slotBytes)
    {
        _batch = new MessageBatch(capacity, slotBytes);
        _group = (MMsgHdr*)NativeMemory.AlignedAlloc((nuint)(capacity * sizeof(MMsgHdr)), 64);
        _sockets = new UdpMediaSocket?[capacity];
    }

    public int Count => _count;
    public long SendCalls, DatagramsSent, SendFailures;

    /// <summary>Queues a datagram for the end of the pass; flushes first when full. False if it cannot be batched.</summary>
    public bool Add(UdpMediaSocket socket, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (_count == _batch.Capacity) Flush();
        if (!_batch.Write(_count, datagram, to)) return false;
        _sockets[_count++] = socket;
        return true;
    }

    /// <summary>Sends everything queued: the datagrams of each socket, in the order they were queued, in one call.</summary>
    public void Flush()
    {
        for (int first = 0; first < _count; first++)
        {
            var socket = _sockets[first];
            if (socket is null) continue;
            int n = 0;
            for (int i = first; i < _count; i++)
            {
                if (!ReferenceEquals(_sockets[i], socket)) continue;
                _group[n++] = _batch.Headers[i];
                _sockets[i] = null;
            }
            SendGroup(socket, n);
        }
        _count = 0;
    }

    private void SendGroup(UdpMediaSocket socket, int n)
    {
        // The reference keeps the descriptor open (and unreused) even if another thread disposes the socket meanwhile.
        var handle = socket.Handle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            int sent = 0;
            while (sent < n)
            {
                int r = SendMMsg(fd, _group + sent, (uint)(n - sent), MsgDontWait);
                SendCalls++;
                if (r > 0) { sent += r; DatagramsSent += r; continue; }
                if (r < 0 && Marshal.GetLastPInvokeError() == EIntr) continue;
                sent++; // full send buffer or an error for this datagram: drop it and go on with the rest
                SendFailures++;
            }
        }
        catch (ObjectDisposedException) { SendFailures += n; }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    public void Dispose()
    {
        _batch.Dispose();
        NativeMemory.AlignedFree(_group);
    }
}
