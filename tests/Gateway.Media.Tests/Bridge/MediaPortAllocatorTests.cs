using System.Net;
using Gateway.Media.Net;

namespace Gateway.Media.Tests.Bridge;

public sealed class MediaPortAllocatorTests
{
    [Fact]
    public void Pairs_AreEvenThenOdd_AndPortsComeBackOnDispose()
    {
        int basePort = 10000 + 2 * Random.Shared.Next(0, 4000);
        var allocator = new MediaPortAllocator(IPAddress.Loopback, basePort, basePort + 9);
        var pair = allocator.AllocatePair();
        Assert.NotNull(pair);
        var (rtp, rtcp) = pair.Value;
        Assert.Equal(0, rtp.Port % 2);
        Assert.Equal(rtp.Port + 1, rtcp.Port);
        var single = allocator.AllocateOne();
        Assert.NotNull(single);
        Assert.Equal(3, allocator.Allocated);
        rtp.Dispose();
        rtcp.Dispose();
        single.Dispose();
        single.Dispose(); // twice is harmless
        Assert.Equal(0, allocator.Allocated);
    }

    [Fact]
    public void PortsHeldByAnotherSocket_AreSkipped()
    {
        int basePort = 10000 + 2 * Random.Shared.Next(0, 4000);
        using var squatter = UdpMediaSocket.TryBind(new IPEndPoint(IPAddress.Loopback, basePort));
        var allocator = new MediaPortAllocator(IPAddress.Loopback, basePort, basePort + 1);
        Assert.Null(allocator.AllocatePair()); // the only pair is half taken
        using var one = allocator.AllocateOne();
        Assert.NotNull(one);
        Assert.Equal(basePort + 1, one.Port);
        Assert.Null(allocator.AllocateOne());
    }

    [Fact]
    public void ZeroRange_BindsEphemeralPorts()
    {
        var allocator = new MediaPortAllocator(IPAddress.Loopback, 0, 0);
        using var one = allocator.AllocateOne();
        Assert.NotNull(one);
        Assert.NotEqual(0, one.Port);
        var pair = allocator.AllocatePair();
        Assert.NotNull(pair);
        Assert.Equal(pair.Value.Rtp.Port + 1, pair.Value.Rtcp.Port);
        pair.Value.Rtp.Dispose();
        pair.Value.Rtcp.Dispose();
    }

    [Fact]
    public void BadRange_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaPortAllocator(IPAddress.Loopback, 3000, 2000));
}
