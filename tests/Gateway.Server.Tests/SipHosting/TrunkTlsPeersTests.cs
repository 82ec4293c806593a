using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Dialplan;
using Gateway.Sdp.Crypto;
using Gateway.Sdp.Translation;
using Gateway.Server.SipHosting;

namespace Gateway.Server.Tests.SipHosting;

/// <summary>Which trunk a TLS destination belongs to (name, SNI host, tls_ca), and the trunk's srtp key carried to SDP and media.</summary>
public sealed class TrunkTlsPeersTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tls-peers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private CompiledDialplan Plan(string trunks)
    {
        var result = DialplanLoader.Load("trunks:\n" + trunks + "routes: []\n", Path.Combine(_folder, "plan.yaml"), _ => null);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Plan!;
    }

    [Fact]
    public async Task TheTlsTrunkAtTheAddress_GivesItsNameHostAndCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=Carrier CA", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_folder, "ca.pem"), ca.ExportCertificatePem());
        var plan = Plan("  plain:\n    uri: sip:127.0.0.1:5061\n" +
                        "  carrier:\n    uri: sip:127.0.0.1:5061\n    transport: tls\n    tls_ca: ca.pem\n" +
                        "  other:\n    uri: sips:localhost:5070\n");
        var peers = new TrunkTlsPeers(() => plan);

        var peer = await peers.ResolveAsync(new IPEndPoint(IPAddress.Loopback, 5061), default);
        Assert.Equal(("carrier", "127.0.0.1"), (peer!.Name, peer.TargetHost));
        Assert.Equal(ca.Thumbprint, Assert.Single(peer.TrustedRoots!).Thumbprint);

        var byName = await peers.ResolveAsync(new IPEndPoint(IPAddress.Loopback, 5070), default);
        Assert.Equal(("other", "localhost"), (byName!.Name, byName.TargetHost));
        Assert.Null(byName.TrustedRoots); // no tls_ca: the system store

        Assert.Null(await peers.ResolveAsync(new IPEndPoint(IPAddress.Loopback, 5099), default));
    }

    [Fact]
    public void SrtpKey_ReachesThePolicy_AndKeysReachTheMediaPlane()
    {
        var plan = Plan("  carrier:\n    uri: sips:127.0.0.1\n    srtp: required\n");
        Assert.Equal(SrtpMode.Required, Gateway.Server.Calls.OutboundCall.PolicyFor(plan.Trunks["carrier"]).Srtp);
        var keys = new SdesKeys(SdpCryptoSuite.AesCm128HmacSha1_32, new byte[30], Enumerable.Repeat((byte)1, 30).ToArray());
        var media = TrunkSrtp.MediaKeys(keys)!;
        Assert.Equal(Gateway.Media.Srtp.SrtpProfile.AesCm128HmacSha1_32, media.Profile);
        Assert.Same(keys.LocalKeySalt, media.SendKeySalt);
        Assert.Same(keys.RemoteKeySalt, media.ReceiveKeySalt);
        Assert.Null(TrunkSrtp.MediaKeys(null));
    }
}
