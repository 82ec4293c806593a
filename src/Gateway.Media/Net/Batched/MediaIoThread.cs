using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Gateway.Media.Net.Batched.LinuxSockets;

namespace Gateway.Media.Net.Batched;

/// <summary>
/// One media thread: an epoll set of the sockets it owns (level-triggered) and a loop of passes. A pass drains every
/// ready socket with <c>recvmmsg</c> (until a call returns fewer datagrams than asked, or the per-socket cap), runs each
/// datagram's handler in place in the batch buffer, then sends what the handlers produced (<see cref="OutgoingDatagrams"/>).
/// After a pass that received something the thread sleeps out the rest of the tick before waiting again, so under load
/// it wakes at most once per tick whatever the packet rate; with nothing ready it blocks in <c>epoll_wait</c> and the
/// first datagram wakes it at once. The added delay is therefore at most one tick (plus the pass) for a datagram that
/// arrives while the thread sleeps, and nothing for one that finds it idle.
/// Sockets are added from any thread; they are removed and closed by the thread itself after its pass, so a handle is
/// never closed while the thread may still read it.
/// </summary>
internal sealed unsafe class MediaIoThread : IDisposable
{
    private const int ReceiveBatch = 64, SendBatch = 128, MaxEvents = 256;
    /// <summary>Receive calls per socket per pass: a flooded socket cannot starve the others for more than this.</summary>
    private const int MaxRoundsPerSocket = 16;
    private const ulong WakeTag = 0;

    [ThreadStatic] private static MediaIoThread? t_current;

    private readonly int _epoll, _wake;
    private readonly long _tickTicks;
    private readonly Thread _thread;
    private readonly MessageBatch _received;
    private readonly OutgoingDatagrams _outgoing;
    private readonly byte* _events;
    private readonly SocketAddress _from4 = new(AddressFamily.InterNetwork), _from6 = new(AddressFamily.InterNetworkV6);
    private readonly ConcurrentQueue<UdpMediaSocket> _removals = new();
    private readonly ConcurrentDictionary<UdpMediaSocket, GCHandle> _owned = new();
    private readonly Lock _gate = new();
    private volatile bool _stopping;
    private bool _stopped, _inPass;
    private long _wakeups, _passes, _receiveCalls, _datagramsReceived;

    public MediaIoThread(int index, TimeSpan tick)
    {
        _tickTicks = (long)(tick.TotalSeconds * Stopwatch.Frequency);
        _epoll = EpollCreate(EpollCloexec);
        if (_epoll < 0) throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        _wake = EventFd(0, EfdCloexec | EfdNonBlock);
        if (_wake < 0 || EpollAdd(_epoll, _wake, WakeTag) != 0)
        {
            Close(_epoll);
            throw new InvalidOperationException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _received = new MessageBatch(ReceiveBatch, UdpMediaSocket.MaxDatagram + UdpMediaSocket.Headroom);
        _outgoing = new OutgoingDatagrams(SendBatch, UdpMediaSocket.MaxDatagram + UdpMediaSocket.Headroom);
        _events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollEventSize));
        _thread = new Thread(Run) { IsBackground = true, Name = $"media-io-{index}" };
        _thread.Start();
    }

    /// <summary>Sockets this thread reads.</summary>
    public int SocketCount => _owned.Count;

    public MediaIoStats Stats => new(Volatile.Read(ref _wakeups), Volatile.Read(ref _passes), Volatile.Read(ref _receiveCalls),
        Volatile.Read(ref _datagramsReceived), Volatile.Read(ref _outgoing.SendCalls), Volatile.Read(ref _outgoing.DatagramsSent),
        Volatile.Read(ref _outgoing.SendFailures));

    /// <summary>
    /// Queues a datagram on the calling media thread's pass, if the caller is one (a handler); false otherwise, and the
    /// caller sends it at once.
    /// </summary>
    public static bool TryQueue(UdpMediaSocket socket, ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        var current = t_current;
        return current is not null && current._inPass && current._outgoing.Add(socket, datagram, to);
    }

    /// <summary>Starts reading <paramref name="socket"/> on this thread.</summary>
    public void Add(UdpMediaSocket socket)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped || _stopping, this);
            var handle = GCHandle.Alloc(socket);
            _owned[socket] = handle;
            if (EpollAdd(_epoll, socket.Descriptor, (ulong)GCHandle.ToIntPtr(handle)) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                _owned.TryRemove(socket, out _);
                handle.Free();
                throw new InvalidOperationException($"epoll_ctl ADD failed: errno {errno}");
            }
        }
    }

    /// <summary>Stops reading <paramref name="socket"/> and closes it, on this thread after its current pass.</summary>
    public void Remove(UdpMediaSocket socket)
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _removals.Enqueue(socket);
                Signal();
                return;
            }
        }
        socket.CloseFromIo(); // the thread is gone: nothing reads the socket any more
    }

    private void Signal()
    {
        ulong one = 1;
        Write(_wake, &one, sizeof(ulong));
    }

    private void Run()
    {
        t_current = this;
        while (!_stopping)
        {
            int ready = EpollWait(_epoll, _events, MaxEvents, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == EIntr) continue;
                break;
            }
            _wakeups++;
            long start = Stopwatch.GetTimestamp();
            long received = Pass(ready);
            ProcessRemovals();
            if (received > 0 && _tickTicks > 0)
            {
                long left = _tickTicks - (Stopwatch.GetTimestamp() - start);
                if (left > 0) SleepMicroseconds(left * 1_000_000 / Stopwatch.Frequency);
            }
        }
        lock (_gate) _stopped = true;
        ProcessRemovals();
        foreach (var socket in _owned.Keys) Release(socket);
    }

    private long Pass(int ready)
    {
        _passes++;
        _inPass = true;
        long received = 0;
        try
        {
            for (int i = 0; i < ready; i++)
            {
                ulong tag = EventData(_events, i);
                if (tag == WakeTag) { ulong value; Read(_wake, &value, sizeof(ulong)); continue; }
                if (GCHandle.FromIntPtr((nint)tag).Target is UdpMediaSocket socket) received += Drain(socket);
            }
        }
        finally
        {
            _inPass = false;
            _outgoing.Flush();
        }
        _datagramsReceived += received;
        return received;
    }

    private int Drain(UdpMediaSocket socket)
    {
        var handler = socket.Handler;
        if (handler is null) return 0;
        var from = socket.AddressFamily == AddressFamily.InterNetworkV6 ? _from6 : _from4;
        int fd = socket.Descriptor, total = 0;
        for (int round = 0; round < MaxRoundsPerSocket && !socket.IsDisposed; round++)
        {
            _received.ArmForReceive(ReceiveBatch, UdpMediaSocket.MaxDatagram);
            int n = RecvMMsg(fd, _received.Headers, ReceiveBatch, MsgDontWait, null);
            _receiveCalls++;
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is EAgain or EBadF) break;
                continue; // EINTR, or an ICMP error reported on the socket (e.g. port unreachable): keep receiving
            }
            for (int i = 0; i < n; i++)
            {
                if ((_received.Headers[i].Flags & MsgTrunc) != 0) continue; // longer than MaxDatagram: dropped
                _received.ReadAddress(i, from);
                try { handler(_received.Buffer(i), (int)_received.Headers[i].Length, from); }
                catch (Exception) { Interlocked.Increment(ref socket.HandlerFaults); }
            }
            total += n;
            if (n < ReceiveBatch) break; // the socket is empty: no extra call just to hear EAGAIN
        }
        return total;
    }

    private void ProcessRemovals()
    {
        while (_removals.TryDequeue(out var socket)) Release(socket);
    }

    private void Release(UdpMediaSocket socket)
    {
        if (!_owned.TryRemove(socket, out var handle)) { socket.CloseFromIo(); return; }
        EpollRemove(_epoll, socket.Descriptor);
        handle.Free();
        socket.CloseFromIo();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Signal();
        }
        _thread.Join();
        Close(_wake);
        Close(_epoll);
        _received.Dispose();
        _outgoing.Dispose();
        NativeMemory.Free(_events);
    }
}
