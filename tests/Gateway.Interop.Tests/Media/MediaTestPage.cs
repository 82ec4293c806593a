namespace Gateway.Interop.Tests.Media;

/// <summary>
/// The page the browsers load from the test's HTTP server: getUserMedia (fake device), offer, answer, getStats.
/// Chromium's driver calls <c>runMediaTest</c> itself; <c>?autorun=&lt;seconds&gt;</c> makes the page run on its own and
/// POST the result (or <c>{ error }</c>) to /result, for Firefox, which the test cannot drive.
/// </summary>
internal static class MediaTestPage
{
    public const string Html = """
<!doctype html>
<html>
<head><meta charset="utf-8"><title>gateway media echo test</title></head>
<body>
<script>
// Offer with a fake microphone, answer from the gateway (ICE-lite + DTLS + SRTP echo), then stats every 500 ms.
// dtls comes from the 'transport' report, which older Firefox releases lack (null then): connectionState and the selected
// candidate pair's state stand in.
window.runMediaTest = async (seconds) => {
  // getUserMedia first: Firefox gathers every interface's host candidates (loopback included) only for a page that is
  // capturing; otherwise just the default route's address.
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection();
  const log = [];
  pc.oniceconnectionstatechange = () => log.push(`ice ${pc.iceConnectionState}`);
  pc.onconnectionstatechange = () => log.push(`pc ${pc.connectionState}`);
  pc.onicegatheringstatechange = () => log.push(`gathering ${pc.iceGatheringState}`);
  pc.onicecandidate = e => log.push(`candidate ${e.candidate?.candidate ?? '(end)'}`);
  for (const track of stream.getTracks()) pc.addTrack(track, stream);
  await pc.setLocalDescription(await pc.createOffer());
  const response = await fetch('/offer', { method: 'POST', body: pc.localDescription.sdp });
  if (!response.ok) throw new Error(`answer: HTTP ${response.status} ${await response.text()}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });

  const samples = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise(r => setTimeout(r, 500));
    const sample = { t: Date.now(), ice: pc.iceConnectionState, connection: pc.connectionState, dtls: null, pair: null, received: 0, sent: 0, energy: 0, lost: 0 };
    (await pc.getStats()).forEach(s => {
      if (s.type === 'transport') sample.dtls = s.dtlsState;
      if (s.type === 'candidate-pair' && (s.selected || s.nominated) && sample.pair !== 'succeeded') sample.pair = s.state;
      if (s.type === 'inbound-rtp' && s.kind === 'audio') { sample.received = s.packetsReceived; sample.energy = s.totalAudioEnergy ?? 0; sample.lost = s.packetsLost ?? 0; }
      if (s.type === 'outbound-rtp' && s.kind === 'audio') sample.sent = s.packetsSent;
    });
    samples.push(sample);
  }
  pc.close();
  return { samples, log };
};

const autorun = Number(new URLSearchParams(location.search).get('autorun'));
if (autorun > 0) {
  const post = body => fetch('/result', { method: 'POST', body: JSON.stringify(body) });
  console.log(`media test: running for ${autorun} s`);
  window.runMediaTest(autorun)
    .then(result => { console.log('media test: done'); return post(result); })
    .catch(e => { console.log(`media test failed: ${e}`); return post({ error: `${e}\n${e?.stack ?? ''}` }); });
}
</script>
</body>
</html>
""";
}
