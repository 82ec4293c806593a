using System.Text;
using Gateway.Sip.Dtmf;

namespace Gateway.Sip.Tests.Dtmf;

public sealed class InfoDtmfTests
{
    [Theory]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160)] // JsSIP, SIP.js
    [InlineData("application/dtmf-relay", "Signal= #\r\n", '#', InfoDtmf.DefaultDurationMs)]
    [InlineData("Application/DTMF-Relay;charset=x", "signal=a\nduration=250", 'A', 250)]
    [InlineData("application/dtmf", "7", '7', InfoDtmf.DefaultDurationMs)]
    [InlineData("application/dtmf", "*\r\n", '*', InfoDtmf.DefaultDurationMs)]
    public void Parses_the_digit_and_duration(string type, string body, char digit, int duration)
    {
        Assert.True(InfoDtmf.TryParse(type, Encoding.ASCII.GetBytes(body), out var d, out var ms));
        Assert.Equal(digit, d);
        Assert.Equal(duration, ms);
    }

    [Theory]
    [InlineData("application/dtmf-relay", "Duration=160\r\n")]
    [InlineData("application/dtmf-relay", "Signal=55\r\n")]
    [InlineData("application/dtmf-relay", "Signal=x\r\n")]
    [InlineData("application/dtmf", "")]
    [InlineData("application/sdp", "Signal=5")]
    [InlineData(null, "Signal=5")]
    public void Refuses_what_names_no_digit(string? type, string body) =>
        Assert.False(InfoDtmf.TryParse(type, Encoding.ASCII.GetBytes(body), out _, out _));
}
