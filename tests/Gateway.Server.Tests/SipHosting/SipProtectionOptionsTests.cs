using Gateway.Server.SipHosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.SipHosting;

public sealed class SipProtectionOptionsTests
{
    private static readonly SipProtectionOptionsValidator Validator = new();

    [Fact]
    public void Defaults_are_valid() => Assert.True(Validator.Validate(null, new SipProtectionOptions()).Succeeded);

    [Theory]
    [InlineData(nameof(SipProtectionOptions.SourcePacketsPerSecond), "-1")]
    [InlineData(nameof(SipProtectionOptions.SourceTransactionsPerSecond), "0")]
    [InlineData(nameof(SipProtectionOptions.MaxTrackedSources), "0")]
    [InlineData(nameof(SipProtectionOptions.MaxServerTransactions), "1")]
    [InlineData(nameof(SipProtectionOptions.MaxConnectionsPerSource), "5000")]
    [InlineData(nameof(SipProtectionOptions.FirstMessageTimeout), "00:10:00")]
    [InlineData(nameof(SipProtectionOptions.DropLogInterval), "00:00:00")]
    public void Out_of_range_values_fail_on_start(string key, string value)
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Sip:" + key] = value }).Build();
        services.AddLogging();
        services.AddSipProtection(configuration);
        using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SipProtectionOptions>>().Value);
        Assert.Contains("Sip:" + key, e.Message);
    }

    [Fact]
    public void Settings_reach_the_stack_and_transport_options()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sip:MaxServerTransactions"] = "123",
            ["Sip:MaxClientTransactions"] = "45",
            ["Sip:MaxConnectionsPerSource"] = "7",
            ["Sip:FirstMessageTimeout"] = "00:00:03",
            ["Sip:SourcePacketsPerSecond"] = "0",
        }).Build();
        services.AddLogging();
        services.AddSipProtection(configuration);
        using var provider = services.BuildServiceProvider();

        var stack = SipHostingSetup.StackOptions(provider, new Gateway.Sip.Stack.SipStackOptions());
        var transport = SipHostingSetup.TransportOptions(provider);
        Assert.Equal((123, 45), (stack.MaxServerTransactions, stack.MaxClientTransactions));
        Assert.Equal((7, TimeSpan.FromSeconds(3)), (transport.MaxConnectionsPerSource, transport.FirstMessageTimeout));
        Assert.Null(provider.GetRequiredService<Gateway.Sip.Protection.SipInboundGuard>().Limiter); // 0 disables the per-source limits
    }
}
