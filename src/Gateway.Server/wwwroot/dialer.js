// Web dialer for the gateway. Speaks only the signaling protocol (docs/protocol.md, version 1) over /ws, through the
// signaling client of clients/js (served as /gateway-client.mjs). window.gateway exposes the state for people and tests.
import { GatewayClient } from './gateway-client.mjs';

{
  const ui = DialerView.elements();
  const view = DialerView.create(ui);
  const { setStatus, setConn, callerName, addLog, startTimer, stopTimer } = view;
  const params = new URLSearchParams(location.search);
  const IN_CALL = ['calling', 'ringing', 'early', 'active', 'held'];

  // state: idle|registering|calling|ringing|early|active|held|incoming|ended
  const gw = window.gateway = {
    state: 'idle', callId: null, pc: null, events: [],
    session: null, user: null, aor: null, direction: null, connected: false, muted: false,
  };

  let iceServers = [];
  let localStream = null;
  let pendingOffer = null;      // the 'incoming' message awaiting Accept/Reject
  let signalled = false;        // our offer/answer went out: candidates may follow
  let queuedCandidates = [];
  let answerApplied = false;    // progress and answer carry the same SDP: apply once
  let localHold = false, remoteHold = false;
  let autoUser = params.get('user');

  // ---- transport: the signaling client (clients/js/gateway-client.mjs) connects, resumes with ?session= and pings ----
  function wsUrl() {
    const url = new URL(params.get('ws') || '/ws', location.href);
    if (url.protocol === 'http:') url.protocol = 'ws:';
    if (url.protocol === 'https:') url.protocol = 'wss:';
    return url.toString();
  }

  const client = new GatewayClient(wsUrl(), { token: params.get('token') || undefined });
  client.addEventListener('message', ({ detail: msg }) => {
    gw.events.push(msg);
    addLog('in', msg);
    try { handle(msg); } catch (e) { console.error(e); setStatus('Error: ' + e.message); }
  });
  client.addEventListener('disconnected', () => {
    gw.connected = false;
    setConn('closed', 'reconnecting…');
    setStatus('Disconnected, reconnecting…');
    render();
  });

  function connect() {
    setConn('connecting', 'connecting');
    client.connect().catch((e) => { setConn('closed', 'disconnected'); setStatus('Cannot connect: ' + e.message); });
  }

  function send(msg) {
    if (!client.send(msg)) { setStatus('Not connected'); return false; }
    addLog('out', msg);
    return true;
  }

  // ---- server messages -------------------------------------------------------------------------
  function handle(msg) {
    const mine = msg.id !== undefined && msg.id === gw.callId;
    switch (msg.type) {
      case 'welcome': {
        const resumed = gw.session !== null && gw.session === msg.session && msg.resumed === true;
        if (!resumed && gw.session !== null) {
          // A new session: the old one expired with its calls and registration.
          if (pendingOffer) pendingOffer = null;
          if (IN_CALL.includes(gw.state) || gw.state === 'incoming') { endCall(); setStatus('Connection lost: call ended'); }
        }
        gw.session = msg.session;
        iceServers = Array.isArray(msg.iceServers) ? msg.iceServers : [];
        gw.connected = true;
        setConn('open', 'connected');
        ui.session.textContent = 'session ' + msg.session;
        if (autoUser) { ui.user.value = autoUser; autoUser = null; register(); }
        else if (gw.user && !resumed) register(); // the old session's registration is gone
        else if (gw.state === 'idle') setStatus(gw.user ? 'Ready' : 'Connected. Register or dial.');
        render(); // connected: Call and Register are usable without registering first
        break;
      }
      case 'registered':
        gw.user = msg.user; gw.aor = msg.aor;
        ui.aor.textContent = msg.aor || msg.user;
        if (gw.state === 'registering') setState('idle');
        if (gw.state === 'idle' || gw.state === 'ended') setStatus('Registered as ' + msg.user);
        break;
      case 'unregistered':
        gw.user = null; gw.aor = null; ui.aor.textContent = 'not registered';
        break;
      case 'ringing':
        if (mine && gw.state === 'calling') { setState('ringing'); setStatus('Ringing…'); }
        break;
      case 'progress':
        if (mine && ['calling', 'ringing'].includes(gw.state)) {
          applyAnswer(msg.sdp); setState('early'); setStatus('Early media…');
        }
        break;
      case 'answer':
        if (mine && ['calling', 'ringing', 'early'].includes(gw.state)) {
          applyAnswer(msg.sdp); setState('active'); startTimer(); setStatus('Connected');
        }
        break;
      case 'hangup':
        if (pendingOffer && msg.id === pendingOffer.id) {
          const who = callerName(pendingOffer);
          pendingOffer = null; setState('ended'); setStatus('Missed call from ' + who);
        } else if (mine) {
          const why = [msg.code, msg.reason].filter((x) => x !== undefined && x !== '').join(' ');
          if (gw.state !== 'ended') endCall();
          setStatus('Call ended' + (why ? ' (' + why + ')' : ''));
        }
        break;
      case 'incoming':
        if (pendingOffer || IN_CALL.includes(gw.state)) { send({ type: 'reject', id: msg.id, code: 486 }); break; }
        pendingOffer = msg;
        ui.incomingFrom.textContent = callerName(msg);
        setState('incoming');
        setStatus('Incoming call');
        send({ type: 'ringing', id: msg.id });
        break;
      case 'held':
        if (mine && IN_CALL.includes(gw.state)) { remoteHold = true; setState('held'); setStatus('On hold by the far end'); }
        break;
      case 'resumed':
        if (mine && IN_CALL.includes(gw.state)) {
          remoteHold = false; setState(localHold ? 'held' : 'active'); setStatus(localHold ? 'On hold' : 'Connected');
        }
        break;
      case 'transferred':
        if (mine) setStatus('Transferred (' + msg.code + ')');
        break;
      case 'error':
        setStatus('Error: ' + (msg.message || msg.code || 'unknown'));
        if (gw.state === 'registering') setState('idle');
        // A refused call ends it; a refused candidate or DTMF (bad_request) does not.
        if (mine && gw.state === 'calling' && msg.code !== 'bad_request') endCall();
        break;
      default: // pong, rooms and future messages: recorded in gateway.events only
        break;
    }
  }

  // ---- actions ---------------------------------------------------------------------------------
  function register() {
    const user = ui.user.value.trim();
    if (!user) { setStatus('Enter a user name'); ui.user.focus(); return; }
    if (send({ type: 'register', user })) {
      if (!IN_CALL.includes(gw.state) && gw.state !== 'incoming') setState('registering');
      setStatus('Registering ' + user + '…');
    }
  }

  async function placeCall() {
    const to = ui.number.value.trim();
    if (!to) { setStatus('Enter a number'); ui.number.focus(); return; }
    if (!gw.connected) { setStatus('Not connected'); return; }
    const id = 'c' + Math.random().toString(36).slice(2, 10);
    beginCall(id, 'outbound');
    setState('calling');
    setStatus('Calling ' + to + '…');
    try {
      const pc = createPeer(id);
      const stream = await microphone();
      if (gw.callId !== id || gw.state === 'ended') return;
      stream.getTracks().forEach((t) => pc.addTrack(t, stream));
      await pc.setLocalDescription(await pc.createOffer());
      if (gw.callId !== id || gw.state === 'ended') return;
      if (!send({ type: 'call', id, to, sdp: pc.localDescription.sdp })) { endCall(); return; }
      signalled = true;
      flushCandidates();
    } catch (e) {
      if (gw.callId === id) { endCall(); setStatus('Call failed: ' + e.message); }
    }
  }

  async function accept() {
    const offer = pendingOffer;
    if (!offer) return;
    pendingOffer = null;
    beginCall(offer.id, 'inbound');
    setState('active'); // answering; the timer starts when our answer is sent
    setStatus('Answering…');
    try {
      const pc = createPeer(offer.id);
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      const stream = await microphone();
      if (gw.callId !== offer.id || gw.state === 'ended') return;
      stream.getTracks().forEach((t) => pc.addTrack(t, stream));
      await pc.setLocalDescription(await pc.createAnswer());
      if (gw.callId !== offer.id || gw.state === 'ended') return;
      send({ type: 'answer', id: offer.id, sdp: pc.localDescription.sdp });
      signalled = true;
      flushCandidates();
      startTimer();
      setStatus('Connected');
    } catch (e) {
      send({ type: 'reject', id: offer.id, code: 488 });
      endCall();
      setStatus('Could not answer: ' + e.message);
    }
  }

  function reject() {
    if (!pendingOffer) return;
    send({ type: 'reject', id: pendingOffer.id, code: 486 });
    pendingOffer = null;
    setState('ended');
    setStatus('Call rejected');
  }

  function hangup() {
    if (!gw.callId || !IN_CALL.includes(gw.state)) return;
    send({ type: 'hangup', id: gw.callId });
    endCall();
    setStatus('Hanging up…');
  }

  function toggleMute() {
    gw.muted = !gw.muted;
    if (localStream) localStream.getAudioTracks().forEach((t) => { t.enabled = !gw.muted; });
    render();
  }

  function toggleHold() {
    if (!gw.callId || !['active', 'held'].includes(gw.state)) return;
    localHold = !localHold;
    send({ type: localHold ? 'hold' : 'unhold', id: gw.callId });
    setState(localHold || remoteHold ? 'held' : 'active');
    setStatus(localHold ? 'On hold' : remoteHold ? 'On hold by the far end' : 'Connected');
  }

  function pressKey(digit) {
    if (gw.callId && ['early', 'active', 'held'].includes(gw.state)) {
      send({ type: 'dtmf', id: gw.callId, digits: digit, duration: 100 });
      setStatus('DTMF ' + digit);
    } else {
      ui.number.value += digit;
    }
  }

  // ---- WebRTC ----------------------------------------------------------------------------------
  function beginCall(id, direction) {
    closeMedia();
    gw.callId = id; gw.direction = direction;
    signalled = false; queuedCandidates = []; answerApplied = false;
    localHold = false; remoteHold = false; gw.muted = false;
    view.resetTimer();
  }

  function createPeer(id) {
    let pc;
    try { pc = new RTCPeerConnection({ iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' }); }
    catch { pc = new RTCPeerConnection(); } // malformed iceServers: host candidates still work
    pc.ontrack = (e) => {
      ui.remote.srcObject = e.streams[0] || new MediaStream([e.track]);
      const played = ui.remote.play && ui.remote.play();
      if (played && played.catch) played.catch(() => {});
    };
    let ended = false;
    pc.onicecandidate = (e) => {
      if (ended || gw.callId !== id || gw.pc !== pc) return; // the call ended: nothing more to trickle
      const c = e.candidate;
      const last = !c || !c.candidate;
      if (last) ended = true;
      const mid = c && c.sdpMid != null ? c.sdpMid : ((pc.getTransceivers()[0] || {}).mid || '0');
      const msg = { type: 'candidate', id, candidate: last ? '' : c.candidate, sdpMid: mid,
        sdpMLineIndex: c && c.sdpMLineIndex != null ? c.sdpMLineIndex : 0 };
      if (signalled) send(msg); else queuedCandidates.push(msg);
    };
    pc.onconnectionstatechange = () => {
      if (gw.pc === pc && pc.connectionState === 'failed') setStatus('Media connection failed');
    };
    gw.pc = pc;
    return pc;
  }

  function flushCandidates() {
    const queued = queuedCandidates;
    queuedCandidates = [];
    queued.forEach(send);
  }

  async function applyAnswer(sdp) {
    const pc = gw.pc;
    if (!pc || answerApplied || typeof sdp !== 'string') return;
    answerApplied = true;
    try { await pc.setRemoteDescription({ type: 'answer', sdp }); }
    catch (e) { setStatus('Bad answer from the gateway: ' + e.message); }
  }

  async function microphone() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia)
      throw new Error('no microphone access (the page needs https or localhost)');
    localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    localStream.getAudioTracks().forEach((t) => { t.enabled = !gw.muted; });
    return localStream;
  }

  function endCall() {
    closeMedia();
    stopTimer();
    localHold = false; remoteHold = false; gw.muted = false;
    setState('ended');
  }

  function closeMedia() {
    if (gw.pc) { try { gw.pc.close(); } catch { /* already closed */ } }
    gw.pc = null;
    if (localStream) localStream.getTracks().forEach((t) => t.stop());
    localStream = null;
    ui.remote.srcObject = null;
  }

  // ---- view ------------------------------------------------------------------------------------
  function setState(state) { gw.state = state; render(); }
  function render() {
    const s = gw.state;
    document.body.dataset.state = s;
    ui.register.disabled = !gw.connected;
    ui.call.disabled = !gw.connected || !['idle', 'ended'].includes(s);
    ui.hangup.disabled = !IN_CALL.includes(s);
    ui.mute.disabled = !['early', 'active', 'held'].includes(s);
    ui.hold.disabled = !['active', 'held'].includes(s);
    ui.mute.textContent = gw.muted ? 'Unmute' : 'Mute';
    ui.mute.setAttribute('aria-pressed', String(gw.muted));
    ui.hold.textContent = localHold ? 'Unhold' : 'Hold';
    ui.hold.setAttribute('aria-pressed', String(localHold));
    ui.incoming.hidden = s !== 'incoming';
  }

  // ---- wiring ----------------------------------------------------------------------------------
  ui.register.addEventListener('click', register);
  ui.user.addEventListener('keydown', (e) => { if (e.key === 'Enter') register(); });
  ui.call.addEventListener('click', placeCall);
  ui.number.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !ui.call.disabled) placeCall(); });
  ui.hangup.addEventListener('click', hangup);
  ui.mute.addEventListener('click', toggleMute);
  ui.hold.addEventListener('click', toggleHold);
  ui.accept.addEventListener('click', accept);
  ui.reject.addEventListener('click', reject);
  document.querySelectorAll('button[data-digit]').forEach((b) => b.addEventListener('click', () => pressKey(b.dataset.digit)));
  if (params.get('user')) ui.user.value = params.get('user');
  if (params.get('number')) ui.number.value = params.get('number');
  render();
  connect();
}
