using System.Buffers;
using Gateway.Sip.Auth;
using Gateway.Sip.Messages;

namespace Gateway.Fuzz.Targets;

/// <summary>
/// A UDP datagram as the SIP transport hands it over (RFC 3261 §18.3): parse, the UA checks of §8.2, every typed
/// header a transaction or dialog reads, the digest and session timer values, then a round trip: a message that parsed
/// serializes into bytes that parse again (a proxy or B2BUA forwards what it accepted).
/// </summary>
public static class SipMessageTarget
{
    public const string Name = "sip-message";

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (!SipMessage.TryParse(input, out var message, out _) || message is null) return;
        Touch(message);
        var writer = new ArrayBufferWriter<byte>(input.Length + 64);
        message.WriteTo(writer);
        FuzzInvariant.Check(SipMessage.TryParse(writer.WrittenSpan, out var again, out var error) && again is not null,
            $"a parsed message did not parse again after WriteTo: {error}");
        FuzzInvariant.Check(CountWithoutContentLength(again!) == CountWithoutContentLength(message), "WriteTo changed the header count");
    }

    /// <summary>WriteTo states Content-Length once, from the body (§20.14), whatever was received: leave it out.</summary>
    private static int CountWithoutContentLength(SipMessage message) =>
        message.Headers.Count(h => h.Name != SipHeaderNames.ContentLength);

    internal static void Touch(SipMessage message)
    {
        _ = SipMessageValidator.Validate(message);
        if (message is SipRequest request) _ = (request.Method, request.RequestUri.Host, request.RequestUri.User, request.RequestUri.Port);
        if (message is SipResponse response) _ = (response.StatusCode, response.ReasonPhrase, response.IsSuccess);
        foreach (var via in message.Vias) _ = via.ToString();
        _ = (message.TopVia, message.From?.Tag, message.To?.Tag, message.From?.Uri.Host, message.To?.DisplayName);
        _ = (message.CallId, message.CSeq, message.MaxForwards, message.Expires, message.ContentType, message.IsContactWildcard);
        foreach (var contact in message.Contacts) _ = (contact.Uri.ToString(), contact.Parameters.Count);
        foreach (var route in message.Routes) _ = route.Uri.HasParameter("lr");
        foreach (var route in message.RecordRoutes) _ = route.Uri.Scheme;
        foreach (var header in message.Headers) _ = header.Value.Length;
        foreach (var name in (ReadOnlySpan<string>)["WWW-Authenticate", "Proxy-Authenticate", "Authorization", "Proxy-Authorization"])
            if (message.GetHeader(name) is { } challenge && DigestParameters.TryParse(challenge, out var digest))
                _ = (digest!["realm"], digest["nonce"], digest.Values.Count);
        _ = SessionExpiresValue.TryParse(message.GetHeader("Session-Expires"), out _);
        _ = message.ToArray();
    }
}
