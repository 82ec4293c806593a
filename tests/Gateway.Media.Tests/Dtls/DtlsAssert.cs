using System.Buffers.Binary;
using Gateway.Media.Dtls;
using Gateway.Media.Srtp;
using Xunit;

namespace Gateway.Media.Tests.Dtls;

internal static class DtlsAssert
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>Awaits a completion with a bound, so a hung handshake fails the test instead of the run.</summary>
    public static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(Bound);

    public static async Task<DtlsHandshakeException> Fails(Task task)
    {
        var e = await Assert.ThrowsAsync<DtlsHandshakeException>(() => task.WaitAsync(Bound));
        return e;
    }

    /// <summary>The keys agree: what each side protects, the other unprotects (RTP and RTCP, both directions).</summary>
    public static void KeysAgree(DtlsSrtpKeys serverKeys, DtlsSrtpKeys clientKeys)
    {
        Assert.Equal(serverKeys.Profile, clientKeys.Profile);
        var (serverOut, serverIn) = serverKeys.CreateContexts(isServer: true);
        var (clientOut, clientIn) = clientKeys.CreateContexts(isServer: false);
        RoundTrip(clientOut, serverIn, 0x1111);
        RoundTrip(serverOut, clientIn, 0x2222);
    }

    private static void RoundTrip(SrtpContext tx, SrtpContext rx, uint ssrc)
    {
        var rtp = new byte[12 + 160 + 32];
        rtp[0] = 0x80;
        rtp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(8), ssrc);
        Random.Shared.NextBytes(rtp.AsSpan(12, 160));
        var plain = rtp.AsSpan(0, 172).ToArray();
        Assert.Equal(SrtpError.None, tx.ProtectRtp(rtp, 172, out int protectedLength));
        Assert.False(plain.AsSpan(12).SequenceEqual(rtp.AsSpan(12, 160)));
        Assert.Equal(SrtpError.None, rx.UnprotectRtp(rtp.AsSpan(0, protectedLength), out int length));
        Assert.Equal(plain, rtp.AsSpan(0, length).ToArray());
    }
}
