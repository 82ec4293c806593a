using Gateway.Media.Bridge;

namespace Gateway.Server.Calls;

/// <summary>The call's read-only description for <see cref="ICallDirectory"/> (operators' API).</summary>
internal abstract partial class GatewayCall
{
    /// <summary>
    /// A copy of the call's public state under <paramref name="id"/>, read from outside the call's loop: each field is one
    /// atomic read of a value the loop publishes (the fields may be from neighbouring moments); media counters are read live.
    /// </summary>
    public CallSnapshot Describe(string id)
    {
        var state = State;
        var answered = _answered;
        var mapping = PublishedMapping;
        var media = Media;
        var now = Services.Time.GetUtcNow();
        return new CallSnapshot(id, DirectionOf(Direction), From, To, Route, TrunkName,
            CodecName(mapping), PhaseOf(state), _start, answered, answered is { } a ? now - a : TimeSpan.Zero, MediaOf(media));
    }

    /// <summary>The SIP side's codec mapping, for <see cref="Describe"/>; null for calls without a SIP side.</summary>
    protected virtual MediaCodecMapping? PublishedMapping => null;

    private static CallMediaSnapshot? MediaOf(ICallMedia? media)
    {
        if (media is null) return null;
        MediaSessionStats s;
        try { s = media.Stats; }
        catch (Exception e) when (e is NotImplementedException or ObjectDisposedException) { return null; }
        var lost = s.WebPacketsLost + s.SipPacketsLost;
        var received = s.WebPacketsIn + s.SipPacketsIn;
        var expected = received + lost;
        var jitter = Math.Max(s.WebJitterMs, s.SipJitterMs);
        return new CallMediaSnapshot(received, s.WebPacketsOut + s.SipPacketsOut, lost,
            expected == 0 ? 0 : (double)lost / expected, double.IsFinite(jitter) ? jitter : 0);
    }

    private static CallDirection DirectionOf(string direction) => direction switch
    {
        "inbound" => CallDirection.Inbound,
        "originated" => CallDirection.Originated,
        _ => CallDirection.Outbound,
    };

    private static CallPhase PhaseOf(CallState state) => state switch
    {
        CallState.Routing => CallPhase.Routing,
        CallState.Calling => CallPhase.Calling,
        CallState.Ringing => CallPhase.Ringing,
        CallState.EarlyMedia => CallPhase.EarlyMedia,
        CallState.Offering => CallPhase.Offering,
        CallState.Connecting => CallPhase.Connecting,
        CallState.Active => CallPhase.Active,
        CallState.Cancelling => CallPhase.Cancelling,
        _ => CallPhase.Ended,
    };

    /// <summary>The SIP side's codec: RFC 3551 §6 names for static payload types, else "PT &lt;n&gt;/&lt;rate&gt;".</summary>
    private static string? CodecName(MediaCodecMapping? mapping) => mapping switch
    {
        null => null,
        { SipPayloadType: 0 } => "PCMU/8000",
        { SipPayloadType: 8 } => "PCMA/8000",
        { SipPayloadType: 9 } => "G722/8000",
        { SipPayloadType: 18 } => "G729/8000",
        { SipPayloadType: 3 } => "GSM/8000",
        _ => $"PT {mapping.SipPayloadType}/{mapping.ClockRate}",
    };
}
