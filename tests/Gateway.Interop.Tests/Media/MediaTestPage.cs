namespace Gateway.Interop.Tests.Media;

/// <summary>The page Chromium loads from the test's HTTP server: getUserMedia (fake device), offer, answer, getStats.</summary>
internal static class MediaTestPage
{
    public const string Html = """
<!doctype html>
<html>
<head><meta charset="utf-8"><title>gateway media echo test</title></head>
<body>
<script>
// Runs in Chromium: offer with a fake microphone, answer from the gateway (ICE-lite + DTLS + SRTP echo), then stats.
window.runMediaTest = async (seconds) => {
  const pc = new RTCPeerConnection();
  const log = [];
  pc.oniceconnectionstatechange = () => log.push(`ice ${pc.iceConnectionState}`);
  pc.onconnectionstatechange = () => log.push(`pc ${pc.connectionState}`);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch('/offer', { method: 'POST', body: pc.localDescription.sdp });
  if (!response.ok) throw new Error(`answer: HTTP ${response.status} ${await response.text()}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });

  const samples = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise(r => setTimeout(r, 500));
    const sample = { t: Date.now(), ice: pc.iceConnectionState, connection: pc.connectionState, dtls: null, received: 0, sent: 0, energy: 0, lost: 0 };
    (await pc.getStats()).forEach(s => {
      if (s.type === 'transport') sample.dtls = s.dtlsState;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') { sample.received = s.packetsReceived; sample.energy = s.totalAudioEnergy ?? 0; sample.lost = s.packetsLost ?? 0; }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sample.sent = s.packetsSent;
    });
    samples.push(sample);
  }
  pc.close();
  return { samples, log };
};
</script>
</body>
</html>
""";
}
