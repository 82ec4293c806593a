using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Dialplan.Tests;

/// <summary>The trunk keys srtp: and tls_ca: (dialplan/README.md "TLS and SRTP"), each checked with the line it came from.</summary>
public sealed class TrunkSecurityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dialplan-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private DialplanLoader.Result Load(string trunk) =>
        DialplanLoader.Load("trunks:\n  carrier:\n    uri: sips:carrier.example.com\n" + trunk + "routes: []\n", Path.Combine(_folder, "plan.yaml"), _ => null);

    private void WriteCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(Path.Combine(_folder, name), ca.ExportCertificatePem());
    }

    [Theory]
    [InlineData("", TrunkSrtpMode.Off)]
    [InlineData("    srtp: off\n", TrunkSrtpMode.Off)]
    [InlineData("    srtp: optional\n", TrunkSrtpMode.Optional)]
    [InlineData("    srtp: required\n", TrunkSrtpMode.Required)]
    public void Srtp_IsRead(string line, TrunkSrtpMode mode)
    {
        var result = Load(line);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(mode, result.Plan!.Trunks["carrier"].Srtp);
        Assert.Empty(result.Diagnostics); // sips: is TLS: no warning about keys in the clear
    }

    [Fact]
    public void Srtp_WithABadValue_IsAnErrorOnItsLine()
    {
        var result = Load("    srtp: maybe\n");
        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Contains("srtp must be off, optional or required", error.Message);
    }

    [Fact]
    public void Srtp_OverUdp_IsAWarning()
    {
        var result = DialplanLoader.Load("trunks:\n  pstn:\n    uri: sip:192.0.2.1\n    srtp: required\nroutes: []\n", "plan.yaml", _ => null);
        Assert.True(result.Succeeded);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Warning, 4), (warning.Severity, warning.Line));
        Assert.Contains("use transport: tls", warning.Message);
    }

    [Fact]
    public void TlsCa_RelativeToThePlan_IsResolvedAndLoaded()
    {
        WriteCa("carrier-ca.pem");
        var result = Load("    transport: tls\n    tls_ca: carrier-ca.pem\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(Path.Combine(_folder, "carrier-ca.pem"), result.Plan!.Trunks["carrier"].TlsCaFile);
    }

    [Fact]
    public void TlsCa_Missing_OrNotPem_IsAnErrorOnItsLine()
    {
        var missing = Assert.Single(Load("    tls_ca: nowhere.pem\n").Errors);
        Assert.Equal(4, missing.Line);
        Assert.Contains("tls_ca 'nowhere.pem' cannot be read", missing.Message);

        File.WriteAllText(Path.Combine(_folder, "junk.pem"), "not a certificate\n");
        var junk = Assert.Single(Load("    tls_ca: junk.pem\n").Errors);
        Assert.Contains("holds no PEM certificate", junk.Message);
    }

    [Fact]
    public void TlsCa_WithoutTls_IsAnError()
    {
        WriteCa("ca.pem");
        var result = DialplanLoader.Load("trunks:\n  pstn:\n    uri: sip:192.0.2.1\n    tls_ca: ca.pem\nroutes: []\n", Path.Combine(_folder, "plan.yaml"), _ => null);
        Assert.Contains("tls_ca needs transport: tls", Assert.Single(result.Errors).Message);
    }
}
