using System.Net;
using Gateway.Sip.Protection;
using Gateway.Sip.Tests.Transactions;

namespace Gateway.Sip.Tests.Protection;

public sealed class SipDropLogTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();

    [Fact]
    public void ManyDropsGiveOneSummaryLinePerInterval()
    {
        using var drops = new SipDropLog(_logger, TimeSpan.FromSeconds(10), _time);
        var source = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 5060);
        for (var i = 0; i < 5000; i++) drops.Dropped(SipDropReason.Malformed, source, "no start line");
        for (var i = 0; i < 300; i++) drops.Dropped(SipDropReason.Blocked, source);
        Assert.Empty(_logger.Lines);

        _time.Advance(TimeSpan.FromSeconds(10));
        var line = Assert.Single(_logger.Lines);
        Assert.Equal(1301, line.EventId);
        Assert.Contains("Malformed=5000", line.Message);
        Assert.Contains("Blocked=300", line.Message);
        Assert.Contains("192.0.2.7:5060", line.Message);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Single(_logger.Lines); // nothing dropped since: no line, no timer
        drops.Dropped(SipDropReason.PacketRate, source, "source blocked");
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, _logger.Lines.Count);
        Assert.Contains("PacketRate=1", _logger.Lines[1].Message);
        Assert.Equal(5000, drops.Total(SipDropReason.Malformed));
    }
}
