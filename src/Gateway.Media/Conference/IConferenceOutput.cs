namespace Gateway.Media.Conference;

/// <summary>
/// Where a participant's mix goes: its leg toward the caller (SRTP to a browser, RTP to a SIP peer). Called on the room's
/// mix thread only, with the participant's own buffer: an RTP packet in <c>buffer[..length]</c> and room after it for an
/// SRTP tag. False when it could not be sent (the leg is not connected yet).
/// </summary>
public interface IConferenceOutput
{
    bool Send(byte[] buffer, int length);
}
