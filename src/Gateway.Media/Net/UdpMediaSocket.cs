using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Gateway.Media.Net.Batched;

namespace Gateway.Media.Net;

/// <summary>Receives one datagram from a media socket: <paramref name="datagram"/> is the loop's buffer, writable in place
/// (it has <see cref="UdpMediaSocket.Headroom"/> spare bytes after the data for an SRTP tag); <paramref name="from"/> is reused.</summary>
internal delegate void DatagramHandler(Span<byte> buffer, int length, SocketAddress from);

/// <summary>
/// One bound UDP socket of the media plane, read in one of two ways (<see cref="MediaIoMode"/>): by a
/// <see cref="MediaIoThread"/> that owns it (batched, Linux), or by its own allocation-free receive loop (portable: one
/// pooled buffer per loop, <see cref="Socket.ReceiveFromAsync(Memory{byte}, SocketFlags, SocketAddress, CancellationToken)"/>
/// into a reused <see cref="SocketAddress"/>). Sends are spans to cached addresses: queued for the end of the pass when
/// made by a media thread's handler, sent at once otherwise. A handler that throws is counted, never ends the loop.
/// </summary>
internal sealed class UdpMediaSocket : IDisposable
{
    /// <summary>Largest datagram accepted; anything longer is truncated by the OS and dropped.</summary>
    public const int MaxDatagram = 1500;
    /// <summary>Room after a received packet for in-place protection (SRTP tag or SRTCP index + tag).</summary>
    public const int Headroom = 64;

    private readonly Socket _socket;
    private readonly Action<int>? _onRelease;
    private Task? _loop;
    private int _disposed, _closed;
    private MediaIoThread? _io;
    private TaskCompletionSource? _ioClosed;

    public UdpMediaSocket(Socket socket, Action<int>? onRelease = null)
    {
        _socket = socket;
        _onRelease = onRelease;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The OS descriptor, for a batched socket (valid until its media thread closes it).</summary>
    internal int Descriptor { get; private set; } = -1;
    internal System.Runtime.InteropServices.SafeHandle Handle => _socket.SafeHandle;
    internal DatagramHandler? Handler { get; private set; }
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public IPEndPoint LocalEndPoint { get; }
    public int Port => LocalEndPoint.Port;
    public AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>Datagrams whose handler threw (a bug or hostile input); the loop keeps going.</summary>
    public long HandlerFaults;

    /// <summary>Kernel receive buffer asked for: absorbs bursts while a loop is descheduled (capped by net.core.rmem_max).</summary>
    public const int ReceiveBufferBytes = 512 * 1024;

    /// <summary>Binds a UDP socket at <paramref name="endPoint"/>; null if the port is taken.</summary>
    public static Socket? TryBind(IPEndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endPoint);
            try { socket.ReceiveBufferSize = ReceiveBufferBytes; } catch (SocketException) { /* keep the default */ }
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Starts receiving (once): on <paramref name="io"/>'s thread if given, else on a receive loop of its own.</summary>
    public void Start(DatagramHandler handler, MediaIoThread? io = null)
    {
        if (io is null) { _loop ??= Task.Run(() => ReceiveLoopAsync(handler)); return; }
        if (_io is not null || _loop is not null || IsDisposed) return;
        Handler = handler;
        Descriptor = (int)_socket.SafeHandle.DangerousGetHandle();
        _ioClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _io = io;
        io.Add(this);
    }

    private async Task ReceiveLoopAsync(DatagramHandler handler)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram + Headroom);
        var from = new SocketAddress(_socket.AddressFamily);
        var receiveInto = buffer.AsMemory(0, MaxDatagram);
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                int length;
                try
                {
                    length = await _socket.ReceiveFromAsync(receiveInto, SocketFlags.None, from).ConfigureAwait(false);
                }
                catch (ObjectDisposedException) { break; }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
                {
                    break;
                }
                catch (SocketException)
                {
                    continue; // ICMP errors reported on the socket (e.g. port unreachable): keep receiving.
                }
                try
                {
                    handler(buffer, length, from);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref HandlerFaults);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends one datagram; false if the OS refused it (the packet is lost, as UDP allows).</summary>
    public bool SendTo(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        if (MediaIoThread.TryQueue(this, datagram, to)) return true;
        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, to) == datagram.Length;
        }
        catch (SocketException) { return false; }
        catch (ObjectDisposedException) { return false; }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_io is { } io) io.Remove(this); // closed by its media thread once no pass can read it
        else CloseFromIo();
    }

    /// <summary>Closes the socket and returns its port (once); for a batched socket, called by its media thread.</summary>
    internal void CloseFromIo()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        _socket.Dispose();
        _onRelease?.Invoke(Port);
        _ioClosed?.TrySetResult();
    }

    /// <summary>Completes once the socket is closed and no receive loop or media thread reads it any more.</summary>
    public Task Completion => _ioClosed?.Task ?? _loop ?? Task.CompletedTask;
}
