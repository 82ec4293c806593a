using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Hosting;

public sealed class HostingSetupTests : IDisposable
{
    private readonly string _root = TempDirectory.Create();

    public void Dispose() => TempDirectory.Delete(_root);

    [Fact]
    public async Task Https_uses_a_generated_development_certificate_and_reuses_it_on_the_next_start()
    {
        var certPath = Path.Combine(_root, "certs", DevelopmentCertificate.FileName);
        string? firstThumbprint;
        await using (var host = await TestGatewayHost.StartAsync(contentRoot: _root))
        {
            using var client = host.HttpsClient();
            Assert.Equal("ok", await client.GetStringAsync("/healthz"));
            firstThumbprint = host.PresentedThumbprint;
            Assert.True(File.Exists(certPath));
            Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning
                && e.Message.Contains("generated a self-signed DEVELOPMENT certificate") && e.Message.Contains(certPath));
        }
        using (var stored = X509CertificateLoader.LoadPkcs12FromFile(certPath, null))
            Assert.Equal(stored.Thumbprint, firstThumbprint);

        await using (var host = await TestGatewayHost.StartAsync(contentRoot: _root))
        {
            using var client = host.HttpsClient();
            Assert.Equal("ok", await client.GetStringAsync("/healthz"));
            Assert.Equal(firstThumbprint, host.PresentedThumbprint);
            Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("generated a self-signed"));
            Assert.Contains(host.Logs.Entries, e => e.Message.Contains("using the self-signed DEVELOPMENT certificate"));
        }
    }

    [Fact]
    public async Task Plain_http_listens_on_loopback_only_when_configured()
    {
        await using (var host = await TestGatewayHost.StartAsync(contentRoot: _root))
        {
            Assert.NotNull(host.Http);
            Assert.Equal("127.0.0.1", host.Http.Host);
            using var client = host.HttpClient();
            Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        }
        await using (var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:HttpPort"] = null }, _root))
        {
            Assert.Null(host.Http);
            Assert.NotNull(host.Https);
        }
    }

    [Fact]
    public async Task Https_port_minus_one_serves_plain_http_only_without_a_certificate()
    {
        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?> { ["Gateway:HttpsPort"] = "-1" }, _root);
        using var client = host.HttpClient();

        Assert.Null(host.Https);
        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        Assert.False(Directory.Exists(Path.Combine(_root, "certs")));
    }

    [Fact]
    public async Task Pem_certificate_and_key_from_configuration()
    {
        using var expected = SelfSigned("CN=pem.test");
        Directory.CreateDirectory(Path.Combine(_root, "certs"));
        await File.WriteAllTextAsync(Path.Combine(_root, "certs", "server.pem"), expected.ExportCertificatePem());
        using (var key = expected.GetRSAPrivateKey()!)
            await File.WriteAllTextAsync(Path.Combine(_root, "certs", "server.key"), key.ExportPkcs8PrivateKeyPem());

        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Tls:CertificatePath"] = "certs/server.pem",
            ["Tls:KeyPath"] = "certs/server.key",
        }, _root);
        using var client = host.HttpsClient();

        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        Assert.Equal(expected.Thumbprint, host.PresentedThumbprint);
        Assert.False(File.Exists(Path.Combine(_root, "certs", DevelopmentCertificate.FileName)));
    }

    [Fact]
    public async Task Pfx_certificate_with_password_from_configuration()
    {
        using var expected = SelfSigned("CN=pfx.test");
        var path = Path.Combine(_root, "gateway.pfx");
        await File.WriteAllBytesAsync(path, expected.Export(X509ContentType.Pfx, "s3cret"));

        await using var host = await TestGatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Tls:CertificatePath"] = path,
            ["Tls:Password"] = "s3cret",
        }, _root);
        using var client = host.HttpsClient();

        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        Assert.Equal(expected.Thumbprint, host.PresentedThumbprint);
    }

    [Fact]
    public async Task An_unwritable_certs_folder_still_starts_with_a_certificate_for_this_run()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "certs"), "a file where the folder should be");

        await using var host = await TestGatewayHost.StartAsync(contentRoot: _root);
        using var client = host.HttpsClient();

        Assert.Equal("ok", await client.GetStringAsync("/healthz"));
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("cannot be written"));
    }

    [Fact]
    public async Task A_missing_configured_certificate_fails_the_start_with_the_key_and_path()
    {
        var error = await Assert.ThrowsAsync<GatewayStartupException>(() => TestGatewayHost.StartAsync(
            new Dictionary<string, string?> { ["Tls:CertificatePath"] = "certs/missing.pem" }, _root));

        Assert.Contains("Tls:CertificatePath", error.Message);
        Assert.Contains(Path.Combine(_root, "certs", "missing.pem"), error.Message);
    }

    [Theory]
    [InlineData(new[] { "--dialplan", "plans/a.yaml" }, "plans/a.yaml")]
    [InlineData(new[] { "--urls", "x", "--dialplan=plans/b.yaml" }, "plans/b.yaml")]
    [InlineData(new[] { "-v", "--other", "1" }, "dialplan/default.yaml")]
    public void Dialplan_switch_maps_to_Dialplan_File(string[] args, string expected)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _root, Args = [] });

        builder.ConfigureGatewayHosting(args);

        Assert.Equal(expected, builder.Configuration["Dialplan:File"]);
    }

    [Fact]
    public void Embedded_defaults_apply_whatever_the_working_directory_and_lose_to_other_sources()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _root, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Media:PortMin"] = "40000" });

        builder.ConfigureGatewayHosting([]);

        var config = builder.Configuration;
        Assert.Equal("8443", config["Gateway:HttpsPort"]);
        Assert.Equal("True", config["Signaling:AllowLoopbackWithoutToken"]);
        Assert.Equal("127.0.0.1", config["Media:BindAddress"]);
        Assert.Equal("cdr.jsonl", config["Cdr:Path"]);
        Assert.Equal("1.00:00:00", config["Turn:Ttl"]);
        Assert.Equal("40000", config["Media:PortMin"]);
        Assert.Equal("Information", config["Logging:LogLevel:Default"]);
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
