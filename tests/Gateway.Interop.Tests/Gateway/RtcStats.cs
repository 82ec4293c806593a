namespace Gateway.Interop.Tests.Gateway;

/// <summary>The driver's summary of RTCPeerConnection.getStats().</summary>
public sealed record RtcStats(
    string? ConnectionState, string? IceConnectionState, string? SignalingState, string? DtlsState, string? IceState,
    string? SelectedPairState, long PacketsReceived, long PacketsSent, long BytesReceived, string? Codec);
