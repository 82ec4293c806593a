using Microsoft.Extensions.Options;

namespace Gateway.Server.Tests.Hosting;

/// <summary>Logging:Console:FormatterName: simple, json and systemd start; any other name is refused at start.</summary>
public sealed class LogFormatTests
{
    [Theory]
    [InlineData("json")]
    [InlineData("simple")]
    [InlineData("systemd")]
    public async Task The_standard_formatters_start(string formatter)
    {
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = formatter });
    }

    [Fact]
    public async Task An_unknown_formatter_is_refused_at_start_with_the_choices()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "xml" }));
        Assert.Contains("'xml' is not one of simple, json, systemd", e.Message);
    }
}
