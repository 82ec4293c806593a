using Gateway.Media.Dtls;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

/// <summary>Bad input and lifecycle: garbage, truncation, dispose at every stage.</summary>
public sealed class DtlsSrtpRobustnessTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RandomGarbage_NeverCrashes_AndOnlyEverFailsTheHandshakeCleanly(bool isServer)
    {
        var random = new Random(1234);
        using var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, isServer, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => { }, null, new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromSeconds(30) });
        transport.Start();
        var datagram = new byte[1600];
        for (int i = 0; i < 5000; i++)
        {
            int length = random.Next(0, datagram.Length + 1);
            random.NextBytes(datagram.AsSpan(0, length));
            if (length > 0 && i % 2 == 0) datagram[0] = (byte)random.Next(20, 64); // DTLS range (RFC 7983)
            if (length >= 13 && i % 4 == 0)
            {
                // A well-framed DTLS 1.2 record (handshake, epoch 0) with a random body reaches BouncyCastle.
                datagram[0] = 22; datagram[1] = 0xFE; datagram[2] = 0xFD; datagram[3] = 0; datagram[4] = 0;
                datagram[11] = (byte)((length - 13) >> 8); datagram[12] = (byte)(length - 13);
                if (i % 8 == 0 && length >= 25) datagram[13] = 1; // ClientHello message type
            }
            transport.OnDatagram(datagram.AsSpan(0, length));
        }
        await Task.Delay(300);
        if (transport.Completion.IsCompleted)
            await DtlsAssert.Fails(transport.Completion);
        transport.Dispose();
        await DtlsAssert.Fails(transport.Completion);
    }

    [Fact]
    public async Task TruncatedCopiesOfEveryRecord_DoNotDisturbTheHandshake()
    {
        using var peers = DtlsTestPeers.Matching();
        var random = new Random(42);
        peers.Filter = (fromServer, datagram) =>
        {
            var target = fromServer ? peers.Client : peers.Server;
            // Every truncation of the record header, then a few random cuts of the body, before the real datagram.
            for (int n = 0; n <= Math.Min(13, datagram.Length - 1); n++) target.OnDatagram(datagram.AsSpan(0, n));
            for (int k = 0; k < 3; k++) target.OnDatagram(datagram.AsSpan(0, random.Next(13, datagram.Length)));
            return true;
        };
        peers.Start();
        DtlsAssert.KeysAgree(await DtlsAssert.Within(peers.Server.Completion), await DtlsAssert.Within(peers.Client.Completion));
    }

    [Fact]
    public async Task DuplicatedAndReorderedDatagrams_StillComplete()
    {
        using var peers = DtlsTestPeers.Matching();
        var held = new Dictionary<bool, byte[]?> { [true] = null, [false] = null };
        peers.Filter = (fromServer, datagram) =>
        {
            var target = fromServer ? peers.Client : peers.Server;
            target.OnDatagram(datagram); // duplicate every datagram
            lock (held)
            {
                // Swap pairs: hold one back and deliver it after the next.
                if (held[fromServer] is { } previous) { held[fromServer] = null; target.OnDatagram(datagram); target.OnDatagram(previous); return false; }
                held[fromServer] = datagram;
                return false;
            }
        };
        // Held datagrams are released by the retransmission of the next flight.
        peers.Start();
        DtlsAssert.KeysAgree(await DtlsAssert.Within(peers.Server.Completion), await DtlsAssert.Within(peers.Client.Completion));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DisposeDuringHandshake_FaultsQuickly_AndIsIdempotent(bool isServer)
    {
        var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, isServer, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => { });
        transport.Start();
        await Task.Delay(100);
        var started = DateTime.UtcNow;
        transport.Dispose();
        transport.Dispose();
        var e = await DtlsAssert.Fails(transport.Completion);
        Assert.Contains("disposed", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(2));
        transport.OnDatagram([22, 0xFE, 0xFD, 0, 0]);
        transport.Start();
    }

    [Fact]
    public async Task DisposeBeforeStart_FaultsCompletion()
    {
        var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, true, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => { });
        transport.OnDatagram([22, 0xFE, 0xFD]);
        transport.Dispose();
        transport.Start();
        await DtlsAssert.Fails(transport.Completion);
    }

    [Fact]
    public async Task DisposeMidHandshake_OfOnePeer_FailsTheOtherOnlyByTimeout()
    {
        using var peers = DtlsTestPeers.Matching(clientOptions: new() { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        peers.Filter = (fromServer, _) =>
        {
            if (fromServer) peers.Server.Dispose(); // server vanishes as soon as it answers
            return false;
        };
        peers.Start();
        await DtlsAssert.Fails(peers.Server.Completion);
        var e = await DtlsAssert.Fails(peers.Client.Completion);
        Assert.Contains("timed out", e.Message);
    }

    [Fact]
    public async Task DisposeWhenConnected_SendsCloseNotify_AndLaterDatagramsAreIgnored()
    {
        using var peers = DtlsTestPeers.Matching();
        var alerts = new List<byte[]>();
        peers.Start();
        await DtlsAssert.Within(peers.Server.Completion);
        await DtlsAssert.Within(peers.Client.Completion);
        peers.Filter = (fromServer, datagram) =>
        {
            if (!fromServer) lock (alerts) alerts.Add(datagram);
            return true;
        };
        peers.Client.Dispose();
        peers.Client.Dispose();
        Assert.False(peers.Client.IsConnected);
        // close_notify: one encrypted alert record (content type 21, epoch 1).
        var alert = Assert.Single(alerts);
        Assert.Equal(21, alert[0]);
        Assert.Equal(1, alert[3] << 8 | alert[4]);

        var garbage = new byte[300];
        Random.Shared.NextBytes(garbage);
        for (int i = 0; i < 100; i++) { garbage[0] = (byte)(20 + i % 44); peers.Server.OnDatagram(garbage); peers.Client.OnDatagram(garbage); }
        Assert.True(peers.Server.IsConnected);
        Assert.True(peers.Server.Completion.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task FailingSendCallback_IsALoss_NotACrash()
    {
        using var transport = new DtlsSrtpTransport(DtlsTestPeers.ServerCertificate, false, "sha-256",
            DtlsTestPeers.ClientCertificate.Fingerprint, _ => throw new ObjectDisposedException("socket"), null,
            new DtlsSrtpOptions { HandshakeTimeout = TimeSpan.FromMilliseconds(1500) });
        transport.Start();
        var e = await DtlsAssert.Fails(transport.Completion);
        Assert.Contains("timed out", e.Message);
    }
}
