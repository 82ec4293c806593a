namespace Gateway.Dialplan.Tests;

/// <summary>The registration keys of a trunk: register, registrar, register_expires (dialplan/README.md "Registration").</summary>
public sealed class TrunkRegistrationTests
{
    private const string Credentials = "    username: gw\n    password: ${CARRIER_A_PASSWORD}\n";

    [Theory]
    [InlineData("trunks:\n  c:\n    uri: sip:carrier.example\n    register: true\nroutes: []\n", 4, 15, "register: true but no username and password")]
    [InlineData("trunks:\n  c:\n    uri: sip:carrier.example\n    username: gw\n    register: true\nroutes: []\n", 5, 15, "no username and password")]
    [InlineData("trunks:\n  c:\n    uri: sip:carrier.example\n" + Credentials + "    register: true\n    registrar: http://reg.example\nroutes: []\n", 7, 16,
        "registrar must be a sip: or sips: URI")]
    [InlineData("trunks:\n  c:\n    uri: sip:carrier.example\n" + Credentials + "    register: true\n    register_expires: 30\nroutes: []\n", 7, 23,
        "register_expires must be a whole number from 60 to 86400")]
    [InlineData("trunks:\n  c:\n    uri: sip:carrier.example\n" + Credentials + "    register: yes\nroutes: []\n", 6, 15, "register must be true or false")]
    public void Errors_name_the_line(string yaml, int line, int column, string message)
    {
        var result = DialplanTestPlans.Load(yaml);
        Assert.False(result.Succeeded);
        var error = result.Errors.FirstOrDefault(e => e.Message.Contains(message));
        Assert.True(error is not null, $"no error containing '{message}' in:\n{string.Join("\n", result.Diagnostics)}");
        Assert.Equal(("test.yaml", line, column), (error!.File, error.Line, error.Column));
    }

    [Fact]
    public void Registrar_and_expiry_are_read_and_default_to_the_trunk()
    {
        var result = DialplanTestPlans.Load("trunks:\n  plain:\n    uri: sip:carrier.example\n" + Credentials + "    register: true\n" +
            "  split:\n    uri: sip:sbc.carrier.example:5070\n" + Credentials + "    register: true\n    registrar: sips:reg.carrier.example\n    register_expires: 600\n" +
            "  none:\n    uri: sip:pbx.example\nroutes: []\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        var trunks = result.Plan!.Trunks;
        Assert.Equal(new TrunkRegistration(null, 3600), trunks["plain"].Registration);
        Assert.Equal("sip:carrier.example", trunks["plain"].Registration.RegistrarFor(trunks["plain"]));
        Assert.Equal(new TrunkRegistration("sips:reg.carrier.example", 600), trunks["split"].Registration);
        Assert.Equal("sips:reg.carrier.example", trunks["split"].Registration.RegistrarFor(trunks["split"]));
        Assert.False(trunks["none"].Register);
    }

    [Fact]
    public void Registrar_without_register_is_a_warning()
    {
        var result = DialplanTestPlans.Load("trunks:\n  c:\n    uri: sip:carrier.example\n    registrar: sip:reg.example\nroutes: []\n");
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("do nothing", warning.Message);
        Assert.Equal(4, warning.Line);
    }

    [Fact]
    public void The_sample_plan_registers_carrier_a() =>
        Assert.True(DialplanTestPlans.Sample().Trunks["carrier-a"] is { Register: true, Registration.Expires: 3600 });
}
