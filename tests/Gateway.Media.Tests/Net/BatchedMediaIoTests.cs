using System.Net;
using System.Net.Sockets;
using Gateway.Media.Net;
using Gateway.Media.Net.Batched;

namespace Gateway.Media.Tests.Net;

/// <summary>
/// One <see cref="MediaIoThread"/> on real loopback sockets. Datagrams are queued in the kernel before the socket is
/// handed to the thread, so the first pass finds them all: the batching is then deterministic, not a race.
/// </summary>
public sealed class BatchedMediaIoTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly MediaIoThread? _io;

    public BatchedMediaIoTests()
    {
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _peer.ReceiveTimeout = (int)Wait.TotalMilliseconds;
        if (LinuxSockets.Supported) _io = new MediaIoThread(0, TimeSpan.FromMilliseconds(1));
    }

    public void Dispose()
    {
        _io?.Dispose();
        _peer.Dispose();
    }

    private static UdpMediaSocket Bind(Action<int>? onRelease = null) =>
        new(UdpMediaSocket.TryBind(new IPEndPoint(IPAddress.Loopback, 0))!, onRelease);

    private void SendFromPeer(UdpMediaSocket to, int count, int length = 172)
    {
        var datagram = new byte[length];
        for (int i = 0; i < count; i++)
        {
            datagram[0] = (byte)i;
            _peer.SendTo(datagram, to.LocalEndPoint);
        }
    }

    private byte[] ReceiveAtPeer()
    {
        var buffer = new byte[2048];
        int n = _peer.Receive(buffer);
        return buffer[..n];
    }

    [Fact]
    public void DatagramsReadyTogether_AreReadInOneRecvmmsg_AndTheirEchoesLeaveInOneSendmmsg()
    {
        if (_io is null) return; // batched I/O is Linux-only; the portable path is what runs elsewhere
        using var socket = Bind();
        SendFromPeer(socket, 20);
        int handled = 0;
        socket.Start((buffer, length, from) =>
        {
            handled++;
            Assert.True(socket.SendTo(buffer[..length], from)); // on the media thread: queued for the end of the pass
        }, _io);

        var firsts = Enumerable.Range(0, 20).Select(_ => ReceiveAtPeer()[0]).ToArray();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), firsts); // in order
        var stats = _io.Stats;
        Assert.Equal(20, handled);
        Assert.Equal(20, stats.DatagramsReceived);
        Assert.Equal(1, stats.ReceiveCalls); // 20 < the batch of 64: no second call just to hear EAGAIN
        Assert.Equal(20, stats.DatagramsSent);
        Assert.Equal(1, stats.SendCalls);
    }

    [Fact]
    public void MoreThanOneBatch_IsDrainedInOnePass()
    {
        if (_io is null) return;
        using var socket = Bind();
        SendFromPeer(socket, 150);
        int handled = 0;
        using var done = new ManualResetEventSlim();
        socket.Start((_, _, _) => { if (++handled == 150) done.Set(); }, _io);
        Assert.True(done.Wait(Wait));
        var stats = _io.Stats;
        Assert.Equal(3, stats.ReceiveCalls); // 64 + 64 + 22
        Assert.Equal(1, stats.Passes);
    }

    [Fact]
    public void SendFromAnotherThread_LeavesAtOnce()
    {
        if (_io is null) return;
        using var socket = Bind();
        socket.Start((_, _, _) => { }, _io);
        Assert.True(socket.SendTo([1, 2, 3], ((IPEndPoint)_peer.LocalEndPoint!).Serialize()));
        Assert.Equal([1, 2, 3], ReceiveAtPeer());
        Assert.Equal(0, _io.Stats.SendCalls);
    }

    [Fact]
    public void OversizedDatagram_IsDropped_AndTheNextOneHandled()
    {
        if (_io is null) return;
        using var socket = Bind();
        _peer.SendTo(new byte[UdpMediaSocket.MaxDatagram + 100], socket.LocalEndPoint);
        SendFromPeer(socket, 1, length: 50);
        var lengths = new List<int>();
        using var done = new ManualResetEventSlim();
        socket.Start((_, length, _) => { lengths.Add(length); done.Set(); }, _io);
        Assert.True(done.Wait(Wait));
        Assert.Equal([50], lengths);
    }

    [Fact]
    public void HandlerFault_IsCounted_AndReceivingGoesOn()
    {
        if (_io is null) return;
        using var socket = Bind();
        SendFromPeer(socket, 3);
        int calls = 0;
        using var done = new ManualResetEventSlim();
        socket.Start((_, _, _) =>
        {
            if (++calls == 3) done.Set();
            throw new InvalidOperationException("hostile input");
        }, _io);
        Assert.True(done.Wait(Wait));
        Assert.Equal(3, Interlocked.Read(ref socket.HandlerFaults));
    }

    [Fact]
    public async Task Dispose_ClosesOnTheMediaThread_ThenReleasesThePort()
    {
        if (_io is null) return;
        int released = 0;
        var socket = Bind(port => released = port);
        int port = socket.Port;
        socket.Start((_, _, _) => { }, _io);
        Assert.Equal(1, _io.SocketCount);
        socket.Dispose();
        await socket.Completion.WaitAsync(Wait);
        Assert.Equal(port, released);
        Assert.Equal(0, _io.SocketCount);
        using var again = UdpMediaSocket.TryBind(new IPEndPoint(IPAddress.Loopback, port));
        Assert.NotNull(again); // really closed
    }

    [Fact]
    public async Task SocketsLeftAtShutdown_AreClosedByTheStoppingThread()
    {
        if (_io is null) return;
        var socket = Bind();
        socket.Start((_, _, _) => { }, _io);
        _io.Dispose();
        await socket.Completion.WaitAsync(Wait);
        socket.Dispose(); // after the thread is gone: nothing left to do, no throw
    }

    [Fact]
    public void Sessions_FillOneThreadFirst_ThenSpread()
    {
        if (_io is null) return;
        using var threads = new MediaIoThreads(2, TimeSpan.FromMilliseconds(1));
        var first = threads.Pick();
        var sockets = new List<UdpMediaSocket>();
        try
        {
            for (int i = 0; i < MediaIoThreads.PackSockets; i++)
            {
                Assert.Same(first, threads.Pick());
                var socket = Bind();
                socket.Start((_, _, _) => { }, first);
                sockets.Add(socket);
            }
            Assert.NotSame(first, threads.Pick()); // full: the other thread takes the next session
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }
}
