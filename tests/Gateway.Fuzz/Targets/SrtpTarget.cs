using Gateway.Media.Srtp;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// SRTP and SRTCP from the browser (RFC 3711 §3.3, §3.4; RFC 7714 for GCM). The first byte picks the profile and the
/// mode; the rest is the packet. Garbage is unprotected as received (it must fail cleanly); or the packet is protected
/// by a sender with the same keys and unprotected again, which must give the packet back (so decryption past the tag is
/// reached), and with one byte flipped, which must fail authentication.
/// </summary>
public static class SrtpTarget
{
    public const string Name = "srtp";

    private static readonly byte[] MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
    private static readonly SrtpProfile[] Profiles = [SrtpProfile.AesCm128HmacSha1_80, SrtpProfile.AesCm128HmacSha1_32, SrtpProfile.AeadAes128Gcm];

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var profile = Profiles[(input[0] & 0x03) % Profiles.Length];
        var rtcp = (input[0] & 0x04) != 0;
        var roundTrip = (input[0] & 0x08) != 0;
        var packet = input[1..];
        using var receiver = new SrtpContext(profile, MasterKey, MasterSalt.AsSpan(0, profile.SaltLength()));
        if (!roundTrip)
        {
            var copy = packet.ToArray();
            _ = rtcp ? receiver.UnprotectRtcp(copy, out _) : receiver.UnprotectRtp(copy, out _);
            _ = rtcp ? receiver.UnprotectRtcp(copy, out _) : receiver.UnprotectRtp(copy, out _); // again: replay path
            return;
        }

        using var sender = new SrtpContext(profile, MasterKey, MasterSalt.AsSpan(0, profile.SaltLength()));
        var buffer = new byte[packet.Length + 32];
        packet.CopyTo(buffer);
        var protect = rtcp ? sender.ProtectRtcp(buffer, packet.Length, out var protectedLength) : sender.ProtectRtp(buffer, packet.Length, out protectedLength);
        if (protect != SrtpError.None) return;
        var flip = (input[0] >> 4) is var f && f != 0 ? (f * 7) % protectedLength : -1;
        var wire = buffer.AsSpan(0, protectedLength).ToArray();
        if (flip >= 0) wire[flip] ^= 0x01;
        var result = rtcp ? receiver.UnprotectRtcp(wire, out var length) : receiver.UnprotectRtp(wire, out length);
        if (flip < 0)
        {
            FuzzInvariant.Check(result == SrtpError.None, $"a packet protected with the same keys did not unprotect: {result}");
            FuzzInvariant.Check(wire.AsSpan(0, length).SequenceEqual(packet), "unprotect did not give the original packet back");
        }
        else
        {
            FuzzInvariant.Check(result != SrtpError.None, $"a packet with byte {flip} flipped unprotected");
        }
    }
}
