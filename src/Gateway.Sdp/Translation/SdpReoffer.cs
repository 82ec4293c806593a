namespace Gateway.Sdp.Translation;

/// <summary>
/// Re-offers within a session (RFC 3264 §8): a copy of the previous description with the o= version
/// incremented (§8, RFC 8866 §5.2) and the audio direction changed, for hold (sendonly) and resume (sendrecv).
/// </summary>
public static class SdpReoffer
{
    public static SessionDescription WithDirection(SessionDescription previous, SdpDirection direction)
    {
        if (!SessionDescription.TryParse(previous.ToString(), out var copy, out var error))
            throw new ArgumentException("previous description does not parse: " + error, nameof(previous));
        var origin = copy!.Lines.FindIndex(l => l.Type == 'o');
        var fields = copy.Lines[origin].Value.Split(' ');
        fields[2] = ulong.TryParse(fields[2], out var version) ? (version + 1).ToString() : "1";
        copy.Lines[origin] = new SdpLine('o', string.Join(' ', fields));
        copy.Lines.RemoveAll(l => l.Type == 'a' && SdpDirections.FromAttribute(l.Value) is not null);
        foreach (var media in copy.Media.Where(m => m.Media == "audio"))
        {
            media.Lines.RemoveAll(l => l.Type == 'a' && SdpDirections.FromAttribute(l.Value) is not null);
            media.AddAttribute(direction.ToAttribute());
        }
        return copy;
    }
}
