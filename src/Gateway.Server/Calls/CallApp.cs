using Gateway.Dialplan;
using Gateway.Media.Bridge;
using Gateway.Media.Conference;
using Gateway.Media.Transcoding;
using Gateway.Sdp;
using Gateway.Sdp.Translation;

namespace Gateway.Server.Calls;

/// <summary>The built-in applications a route's <c>app:</c> names.</summary>
internal enum CallAppKind { Echo, Playback, Conference }

/// <summary>
/// A route's <c>app:</c> parsed (<c>echo</c>, <c>playback &lt;file&gt;</c>, <c>conference &lt;room&gt;</c>) and started on one
/// leg of a call's media, the browser's (<see cref="AppCall"/>) or a SIP caller's (<see cref="SipAppCall"/>).
/// </summary>
internal sealed record CallApp(CallAppKind Kind, string Argument)
{
    /// <summary>What a SIP caller may use with each application, best first (playback encodes G.711 or Opus only).</summary>
    private static readonly SdpRtpMap Opus = new(111, "opus", 48000, 2), G722 = new(9, "G722", 8000), Pcmu = new(0, "PCMU", 8000), Pcma = new(8, "PCMA", 8000);

    public IReadOnlyList<SdpRtpMap> SipCodecs => Kind == CallAppKind.Playback ? [Opus, Pcmu, Pcma] : [Opus, G722, Pcmu, Pcma];

    /// <summary>The application of a routed target; null for one the gateway does not have.</summary>
    public static CallApp? Parse(string? target)
    {
        var parts = (target ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts switch
        {
            ["echo"] => new CallApp(CallAppKind.Echo, ""),
            ["playback", var file] => new CallApp(CallAppKind.Playback, file),
            ["conference", var room] => new CallApp(CallAppKind.Conference, room),
            _ => null,
        };
    }

    /// <summary>The playback prompt (a path relative to the dialplan file), or null when it cannot be read.</summary>
    public ReadOnlyMemory<short>? LoadPrompt(PromptCache prompts, CompiledDialplan plan) =>
        prompts.Load(Path.GetDirectoryName(Path.GetFullPath(plan.File)) ?? ".", Argument);

    /// <summary>
    /// Starts the application on <paramref name="leg"/> in the negotiated <paramref name="audio"/>; null when it runs,
    /// else how the call ends (a full room is 486, too many rooms 503, RFC 3261 §21.4.24, §21.5.4).
    /// </summary>
    public CallEnd? Start(ICallMedia media, NegotiatedAudio audio, MediaAppLeg leg, ReadOnlyMemory<short> prompt, Action<char> onDigit)
    {
        var codec = audio.Codec;
        switch (Kind)
        {
            case CallAppKind.Echo:
                media.StartEcho(codec.PayloadType, codec.ClockRate, leg);
                return null;
            case CallAppKind.Playback:
                media.StartPlayback(prompt, codec.PayloadType, codec.ClockRate, leg);
                return null;
        }
        var seat = new ConferenceCodec(AudioCodecs.FromEncoding(codec.Encoding, codec.ClockRate), (byte)codec.PayloadType,
            audio.TelephoneEventPayloadType is int te ? (byte)te : null);
        return media.JoinConference(Argument, seat, leg, onDigit) switch
        {
            ConferenceError.None => null,
            ConferenceError.RoomFull => new CallEnd(486, "Busy Here (the conference room is full)", "failed"),
            ConferenceError.TooManyRooms => new CallEnd(503, "Service Unavailable (too many conference rooms)", "failed"),
            ConferenceError.UnsupportedCodec => new CallEnd(488, "Not Acceptable Here (the conference cannot mix " + codec.Encoding + ")", "failed"),
            _ => new CallEnd(404, "Not Found (no such conference room)", "failed"),
        };
    }
}
