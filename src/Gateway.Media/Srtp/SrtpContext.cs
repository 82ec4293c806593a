using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Media.Srtp;

/// <summary>
/// One direction of an SRTP session (RFC 3711, RFC 7714): protects outgoing or unprotects incoming RTP and
/// RTCP in place, for any number of SSRCs. Session keys are derived once from the master key and salt
/// (§4.3); per packet there is no allocation. Not thread-safe: one context per direction, used by one loop.
/// Per-SSRC state is created only for a packet that authenticated (unprotect) and for at most
/// <see cref="MaxStreams"/> SSRCs, so forged packets cannot grow it (RFC 3711 §3.3.1, §9.5).
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private const int RtpHeaderLength = 12;
    private const int RtcpHeaderLength = 8;
    /// <summary>Default cap on SSRCs per context (one direction): a WebRTC audio leg uses one or two.</summary>
    public const int DefaultMaxStreams = 16;
    private readonly SrtpProfile _profile;
    private readonly Dictionary<uint, SrtpStreamState> _streams = [];
    private readonly AesCounterMode? _rtpCipher, _rtcpCipher;
    private readonly IncrementalHash? _rtpAuth, _rtcpAuth;
    private readonly AesGcm? _rtpGcm, _rtcpGcm;
    private readonly byte[] _rtpSalt, _rtcpSalt;

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
        : this(profile, masterKey, masterSalt, DefaultMaxStreams)
    {
    }

    /// <param name="maxStreams">How many SSRCs (RTP and RTCP together) this context keeps state for; a packet of a further SSRC gets <see cref="SrtpError.TooManyStreams"/>.</param>
    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, int maxStreams)
    {
        if (masterKey.Length != SrtpProfiles.KeyLength || masterSalt.Length != profile.SaltLength())
            throw new ArgumentException($"{profile} needs a {SrtpProfiles.KeyLength}-byte key and a {profile.SaltLength()}-byte salt");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        _profile = profile;
        MaxStreams = maxStreams;
        Span<byte> rtpKey = stackalloc byte[16], rtcpKey = stackalloc byte[16];
        _rtpSalt = new byte[masterSalt.Length];
        _rtcpSalt = new byte[masterSalt.Length];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpEncryption, rtpKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpSalt, _rtpSalt);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpEncryption, rtcpKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpSalt, _rtcpSalt);
        if (profile == SrtpProfile.AeadAes128Gcm)
        {
            _rtpGcm = new AesGcm(rtpKey, 16);
            _rtcpGcm = new AesGcm(rtcpKey, 16);
            return;
        }
        Span<byte> rtpAuthKey = stackalloc byte[20], rtcpAuthKey = stackalloc byte[20];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthentication, rtpAuthKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtcpAuthentication, rtcpAuthKey);
        _rtpCipher = new AesCounterMode(rtpKey, _rtpSalt);
        _rtcpCipher = new AesCounterMode(rtcpKey, _rtcpSalt);
        _rtpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtpAuthKey);
        _rtcpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, rtcpAuthKey);
    }

    public SrtpProfile Profile => _profile;
    /// <summary>The most SSRCs this context tracks.</summary>
    public int MaxStreams { get; }
    /// <summary>SSRCs with state (created by a protected packet, or an unprotected one that authenticated).</summary>
    public int StreamCount => _streams.Count;
    /// <summary>Bytes protection adds to an RTP packet.</summary>
    public int RtpOverhead => _profile.RtpTagLength();
    /// <summary>Bytes protection adds to an RTCP packet (tag plus the E/index word).</summary>
    public int RtcpOverhead => _profile.RtcpTagLength() + 4;

    /// <summary>Encrypts and authenticates the RTP packet in buffer[..length]; the tag is written after it.</summary>
    public SrtpError ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (!TryHeaderLength(buffer[..length], out var header)) return SrtpError.BadHeader;
        if (buffer.Length < length + RtpOverhead) return SrtpError.BufferTooSmall;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        if (!TryGetOrAddStream(ssrc, out var state)) return SrtpError.TooManyStreams;
        // The sender's ROC counts sequence wraps (§3.3.1).
        var roc = state.Started && seq < state.HighestSeq && state.HighestSeq - seq > 32768 ? state.Roc + 1 : state.Roc;
        state.Update(seq, roc);
        var index = ((ulong)roc << 16) | seq;

        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(ssrc, roc, seq, nonce);
            var payload = buffer[header..length];
            _rtpGcm.Encrypt(nonce, payload, payload, buffer.Slice(length, 16), buffer[..header]);
        }
        else
        {
            _rtpCipher!.Apply(ssrc, index, buffer[header..length]);
            RtpTag(buffer, length, roc, buffer.Slice(length, RtpOverhead));
        }
        protectedLength = length + RtpOverhead;
        return SrtpError.None;
    }

    /// <summary>Verifies, replay-checks and decrypts the SRTP packet in place; <paramref name="length"/> is the RTP length.</summary>
    public SrtpError UnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        var tagLength = RtpOverhead;
        if (packet.Length < RtpHeaderLength + tagLength) return SrtpError.TooShort;
        var rtp = packet[..^tagLength];
        if (!TryHeaderLength(rtp, out var header)) return SrtpError.BadHeader;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        // An unseen SSRC is authenticated with the state it would start with (§3.3.1: ROC = 0, s_l = SEQ),
        // without storing anything: state is created only after the tag verifies (§3.3 steps 5-7).
        uint roc = 0;
        ulong index = seq;
        if (_streams.TryGetValue(ssrc, out var state))
        {
            index = state.EstimateIndex(seq, out roc);
            if (state.RtpReplay.Check(index) is var replay and not SrtpError.None) return replay;
        }
        else if (_streams.Count >= MaxStreams) return SrtpError.TooManyStreams;

        if (_rtpGcm is not null)
        {
            Span<byte> nonce = stackalloc byte[12];
            GcmRtpNonce(ssrc, roc, seq, nonce);
            var payload = rtp[header..];
            try
            {
                _rtpGcm.Decrypt(nonce, payload, packet[^tagLength..], payload, rtp[..header]);
            }
            catch (AuthenticationTagMismatchException)
            {
                return SrtpError.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> received = stackalloc byte[10], tag = stackalloc byte[10];
            packet[^tagLength..].CopyTo(received);
            RtpTag(packet, rtp.Length, roc, tag[..tagLength]); // writes the ROC over the tag area (tags are 4 or 10 bytes)
            received[..tagLength].CopyTo(packet[^tagLength..]);
            if (!CryptographicOperations.FixedTimeEquals(tag[..tagLength], received[..tagLength])) return SrtpError.AuthenticationFailed;
            _rtpCipher!.Apply(ssrc, index, rtp[header..]);
        }
        state ??= AddStream(ssrc);
        state.RtpReplay.Accept(index);
        state.Update(seq, roc);
        length = rtp.Length;
        return SrtpError.None;
    }

    /// <summary>Protects a compound RTCP packet in place: encrypted after the first 8 bytes, E/index word and tag appended (§3.4).</summary>
    public SrtpError ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < RtcpHeaderLength) return SrtpError.TooShort;
        if (buffer.Length < length + RtcpOverhead) return SrtpError.BufferTooSmall;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        if (!TryGetOrAddStream(ssrc, out var state)) return SrtpError.TooManyStreams;
        var srtcpIndex = state.NextSrtcpIndex;
        state.NextSrtcpIndex = (srtcpIndex + 1) & 0x7FFFFFFF;
        var word = 0x80000000u | srtcpIndex; // E = 1: encrypted

        if (_rtcpGcm is not null)
        {
            // RFC 7714 §9: header | ciphertext | tag | E+index; AAD = header and the E+index word.
            Span<byte> nonce = stackalloc byte[12], aad = stackalloc byte[12];
            GcmRtcpNonce(ssrc, srtcpIndex, nonce);
            buffer[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], word);
            var payload = buffer[RtcpHeaderLength..length];
            _rtcpGcm.Encrypt(nonce, payload, payload, buffer.Slice(length, 16), aad);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(length + 16)..], word);
        }
        else
        {
            _rtcpCipher!.Apply(ssrc, srtcpIndex, buffer[RtcpHeaderLength..length]);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], word);
            RtcpTag(buffer[..(length + 4)], buffer.Slice(length + 4, 10));
        }
        protectedLength = length + RtcpOverhead;
        return SrtpError.None;
    }

    public SrtpError UnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        var tagLength = _profile.RtcpTagLength();
        if (packet.Length < RtcpHeaderLength + 4 + tagLength) return SrtpError.TooShort;
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var gcm = _rtcpGcm is not null;
        var wordAt = gcm ? packet.Length - 4 : packet.Length - tagLength - 4;
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[wordAt..]);
        var encrypted = (word & 0x80000000u) != 0;
        var srtcpIndex = word & 0x7FFFFFFF;
        // As for SRTP: an unseen SSRC has an empty replay list (§3.4) and gets state only once authenticated.
        if (_streams.TryGetValue(ssrc, out var state))
        {
            if (state.RtcpReplay.Check(srtcpIndex) is var replay and not SrtpError.None) return replay;
        }
        else if (_streams.Count >= MaxStreams) return SrtpError.TooManyStreams;
        var bodyEnd = gcm ? packet.Length - 4 - tagLength : wordAt;

        if (gcm)
        {
            Span<byte> nonce = stackalloc byte[12], aad = stackalloc byte[12];
            GcmRtcpNonce(ssrc, srtcpIndex, nonce);
            packet[..RtcpHeaderLength].CopyTo(aad);
            BinaryPrimitives.WriteUInt32BigEndian(aad[8..], word);
            var body = packet[RtcpHeaderLength..bodyEnd];
            try
            {
                if (encrypted) _rtcpGcm!.Decrypt(nonce, body, packet.Slice(bodyEnd, tagLength), body, aad);
                else return SrtpError.AuthenticationFailed; // unencrypted AEAD SRTCP (RFC 7714 §9.2) is not accepted
            }
            catch (AuthenticationTagMismatchException)
            {
                return SrtpError.AuthenticationFailed;
            }
        }
        else
        {
            Span<byte> tag = stackalloc byte[10];
            RtcpTag(packet[..(wordAt + 4)], tag);
            if (!CryptographicOperations.FixedTimeEquals(tag, packet[^tagLength..])) return SrtpError.AuthenticationFailed;
            if (encrypted) _rtcpCipher!.Apply(ssrc, srtcpIndex, packet[RtcpHeaderLength..bodyEnd]);
        }
        state ??= AddStream(ssrc);
        state.RtcpReplay.Accept(srtcpIndex);
        length = bodyEnd;
        return SrtpError.None;
    }

    /// <summary>Our own sender SSRCs (protect): state on first use, within the cap.</summary>
    private bool TryGetOrAddStream(uint ssrc, out SrtpStreamState state)
    {
        if (_streams.TryGetValue(ssrc, out state!)) return true;
        if (_streams.Count >= MaxStreams) return false;
        state = AddStream(ssrc);
        return true;
    }

    private SrtpStreamState AddStream(uint ssrc)
    {
        var state = new SrtpStreamState();
        _streams.Add(ssrc, state);
        return state;
    }

    /// <summary>
    /// Authentication tag = HMAC-SHA1(k_a, authenticated portion || ROC), truncated (§4.2). The ROC is written
    /// just after the packet (where the tag goes, at least 4 bytes), so one one-shot HMAC covers both.
    /// </summary>
    private void RtpTag(Span<byte> buffer, int length, uint roc, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[20];
        BinaryPrimitives.WriteUInt32BigEndian(buffer[length..], roc);
        _rtpAuth!.AppendData(buffer[..(length + 4)]);
        _rtpAuth.GetHashAndReset(mac);
        mac[..tag.Length].CopyTo(tag);
    }

    private void RtcpTag(ReadOnlySpan<byte> authenticated, Span<byte> tag)
    {
        Span<byte> mac = stackalloc byte[20];
        _rtcpAuth!.AppendData(authenticated);
        _rtcpAuth.GetHashAndReset(mac);
        mac[..tag.Length].CopyTo(tag);
    }

    /// <summary>RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void GcmRtpNonce(uint ssrc, uint roc, ushort seq, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], roc);
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], seq);
        for (var i = 0; i < 12; i++) nonce[i] ^= _rtpSalt[i];
    }

    /// <summary>RFC 7714 §9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.</summary>
    private void GcmRtcpNonce(uint ssrc, uint srtcpIndex, Span<byte> nonce)
    {
        nonce.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], srtcpIndex);
        for (var i = 0; i < 12; i++) nonce[i] ^= _rtcpSalt[i];
    }

    /// <summary>RTP header length: 12 + 4*CC, plus the extension when X is set (RFC 3550 §5.1, §5.3.1).</summary>
    private static bool TryHeaderLength(ReadOnlySpan<byte> rtp, out int length)
    {
        length = 0;
        if (rtp.Length < RtpHeaderLength || rtp[0] >> 6 != 2) return false;
        length = RtpHeaderLength + 4 * (rtp[0] & 0x0F);
        if ((rtp[0] & 0x10) != 0)
        {
            if (rtp.Length < length + 4) return false;
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(rtp[(length + 2)..]);
        }
        return length <= rtp.Length;
    }

    public void Dispose()
    {
        _rtpCipher?.Dispose();
        _rtcpCipher?.Dispose();
        _rtpAuth?.Dispose();
        _rtcpAuth?.Dispose();
        _rtpGcm?.Dispose();
        _rtcpGcm?.Dispose();
    }
}
