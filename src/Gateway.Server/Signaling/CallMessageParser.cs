using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Server.Signaling;

/// <summary>
/// Turns the call messages of protocol.md ("Calls") into <see cref="ClientCallMessage"/> records, checking required
/// fields and bounds. Never throws; an invalid message gives a precise error for a bad_request reply.
/// </summary>
internal sealed class CallMessageParser(int maxSdpBytes)
{
    public const int MaxCandidateLength = 1024;
    public const int MaxSdpMidLength = 64;

    public static bool IsCallType(string type) => type is "call" or "candidate" or "ringing" or "answer" or "reject"
        or "dtmf" or "hold" or "unhold" or "mute" or "unmute" or "transfer" or "hangup";

    public bool TryParse(string type, JsonObject obj, out ClientCallMessage? message, out string error)
    {
        message = null;
        if (!JsonFields.TryToken(obj, "id", SignalingGrammar.MaxIdLength, out var id, out error)) return false;
        switch (type)
        {
            case "call":
                if (!TryTarget(obj, out var to, out error) || !TrySdp(obj, out var offer, out error)) return false;
                message = new PlaceCall(id, to, offer);
                return true;
            case "candidate":
                if (!JsonFields.TryString(obj, "candidate", true, out var candidate, out error)) return false;
                if (candidate!.Length > MaxCandidateLength) { error = $"field 'candidate' exceeds {MaxCandidateLength} characters"; return false; }
                if (!JsonFields.TryString(obj, "sdpMid", false, out var mid, out error)) return false;
                if (mid is { Length: > MaxSdpMidLength }) { error = $"field 'sdpMid' exceeds {MaxSdpMidLength} characters"; return false; }
                if (!JsonFields.TryOptionalInt(obj, "sdpMLineIndex", 0, 1023, out var index, out error)) return false;
                message = new TrickleCandidate(id, candidate, mid, index);
                return true;
            case "ringing":
                message = new RingingIncoming(id);
                return true;
            case "answer":
                if (!TrySdp(obj, out var answer, out error)) return false;
                message = new AnswerIncoming(id, answer);
                return true;
            case "reject":
                // RFC 3261 §21.4-21.6: a rejection is a 4xx, 5xx or 6xx final response.
                if (!JsonFields.TryInt(obj, "code", 400, 699, 486, out var code, out error)) return false;
                message = new RejectIncoming(id, code!.Value);
                return true;
            case "dtmf":
                if (!JsonFields.TryString(obj, "digits", true, out var raw, out error)) return false;
                if (!SignalingGrammar.TryNormalizeDigits(raw!, out var digits))
                {
                    error = "field 'digits' must be 1 to 64 of 0-9 * # A-D";
                    return false;
                }
                if (!JsonFields.TryInt(obj, "duration", 40, 2000, 100, out var duration, out error)) return false;
                message = new SendDtmf(id, digits, duration!.Value);
                return true;
            case "hold":
            case "unhold":
                message = new SetHold(id, type == "hold");
                return true;
            case "mute":
            case "unmute":
                message = new SetMute(id, type == "mute");
                return true;
            case "transfer":
                if (!TryTarget(obj, out var target, out error)) return false;
                message = new BlindTransfer(id, target);
                return true;
            case "hangup":
                message = new Hangup(id);
                return true;
            default:
                error = $"unknown call message type '{type}'";
                return false;
        }
    }

    private static bool TryTarget(JsonObject obj, out string to, out string error)
    {
        to = "";
        if (!JsonFields.TryString(obj, "to", true, out var s, out error)) return false;
        if (!SignalingGrammar.IsCallTarget(s!, out error)) return false;
        to = s!;
        return true;
    }

    private bool TrySdp(JsonObject obj, out string sdp, out string error)
    {
        sdp = "";
        if (!JsonFields.TryString(obj, "sdp", true, out var s, out error)) return false;
        if (s!.Length == 0) { error = "field 'sdp' is empty"; return false; }
        if (s.Length > maxSdpBytes || Encoding.UTF8.GetByteCount(s) > maxSdpBytes)
        {
            error = $"field 'sdp' exceeds {maxSdpBytes} bytes";
            return false;
        }
        sdp = s;
        return true;
    }
}
