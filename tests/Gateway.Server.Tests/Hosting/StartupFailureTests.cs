using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Hosting;

/// <summary>Start-up failures an operator can fix become one line with cause and remedy; defects stay exceptions.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public void A_startup_exception_is_its_cause_and_remedy()
    {
        var line = StartupFailure.Describe(new GatewayStartupException("SIP port 5060 in use", "Set Sip:UdpPort"));

        Assert.Equal("SIP port 5060 in use. Set Sip:UdpPort", line);
    }

    [Fact]
    public void A_busy_https_port_names_the_address_and_the_keys_to_change()
    {
        var kestrel = new IOException("Failed to bind to address https://[::]:8443: address already in use.", new AddressInUseException("in use"));

        var line = StartupFailure.Describe(new AggregateException(kestrel));

        Assert.StartsWith("Failed to bind to address https://[::]:8443: address already in use. Stop the process", line);
        Assert.Contains("Gateway:HttpsPort", line);
    }

    [Fact]
    public void Invalid_options_list_every_failure_on_one_line()
    {
        var error = new OptionsValidationException("Signaling", typeof(object), ["Signaling:JwtSecret is too short", "Turn:Urls needs Turn:Secret"]);

        var line = StartupFailure.Describe(error)!;

        Assert.DoesNotContain('\n', line);
        Assert.Contains("Signaling:JwtSecret is too short; Turn:Urls needs Turn:Secret", line);
    }

    [Fact]
    public void Anything_else_is_a_defect_and_keeps_its_stack_trace() =>
        Assert.Null(StartupFailure.Describe(new NullReferenceException()));
}
