// Page side of the JsSIP / SIP.js tests (tests/Gateway.Interop.Tests/Gateway/WebSipClientTests.cs): added to a page
// of the gateway's origin by the driver's "library" op after window.JsSIP or window.SIP. Defines window.websip:
//   tone(hz)                          the microphone becomes a sine of hz (getUserMedia replaced), so audio is checkable
//   jssip.start(url, uri, password)   a JsSIP UA registered over SIP-over-WebSocket (RFC 7118), resolves the 2xx code
//   jssip.call(target)                an outgoing call; resolves once audio flows, with timings from the call's start
//   jssip.dial(target), connected()   the same in two steps (dial returns at once)
//   jssip.answerNext()                answers the next incoming call; resolves once audio flows
//   jssip.dtmf(digits)                SIP INFO digits (application/dtmf-relay)
//   jssip.hangup() / jssip.ended()    BYE and wait for the end / wait for the far end's BYE
//   sipjs.start / sipjs.call / sipjs.hangup   the same with SIP.js's UserAgent, Registerer and Inviter
// Every promise has a deadline. window.gateway.pc is the call's RTCPeerConnection (the driver's "stats" op reads it).
(() => {
  const deadline = (promise, ms, what) => Promise.race([promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms))]);
  const pcConfig = { iceServers: [] }; // loopback only: no STUN, so gathering ends at once
  window.gateway = { pc: null, events: [] };
  const note = e => window.gateway.events.push({ at: Math.round(performance.now()), ...e });

  let microphone = null;
  function tone(hz) {
    navigator.mediaDevices.getUserMedia = async () => {
      const ctx = new AudioContext();
      await ctx.resume();
      const osc = ctx.createOscillator();
      osc.frequency.value = hz;
      const gain = ctx.createGain();
      gain.gain.value = 0.3;
      const out = ctx.createMediaStreamDestination();
      osc.connect(gain).connect(out);
      osc.start();
      microphone = ctx;
      return out.stream;
    };
    return true;
  }

  // Chromium renders a remote WebRTC track into Web Audio only while a media element plays it (muted is enough).
  function play(pc) {
    const audio = new Audio();
    audio.muted = true;
    const attach = () => {
      const tracks = pc.getReceivers().map(r => r.track).filter(t => t && t.kind === 'audio');
      if (tracks.length) { audio.srcObject = new MediaStream(tracks); audio.play().catch(() => {}); }
    };
    pc.addEventListener('track', attach);
    attach();
  }

  // Timings (ms since `start`) of ICE+DTLS connected and the first inbound audio packet: resolves when both happened.
  function media(pc, start) {
    window.gateway.pc = pc;
    play(pc);
    return deadline(new Promise(resolve => {
      let connectedMs = pc.connectionState === 'connected' ? performance.now() - start : null;
      pc.addEventListener('connectionstatechange', () => {
        note({ type: 'pc', state: pc.connectionState });
        if (pc.connectionState === 'connected' && connectedMs === null) connectedMs = performance.now() - start;
      });
      const poll = async () => {
        let packets = 0;
        (await pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio') packets += s.packetsReceived ?? 0; });
        if (packets > 0 && connectedMs !== null) resolve({ connectedMs: Math.round(connectedMs), firstAudioMs: Math.round(performance.now() - start) });
        else setTimeout(poll, 5);
      };
      poll();
    }), 10000, 'ICE+DTLS connected and inbound audio');
  }

  const jssip = {
    ua: null, session: null,
    start(url, uri, password) {
      const ua = new window.JsSIP.UA({ sockets: [new window.JsSIP.WebSocketInterface(url)], uri, password, register: true, register_expires: 600 });
      this.ua = ua;
      ua.on('newRTCSession', e => {
        note({ type: 'session', originator: e.originator });
        if (e.originator === 'remote') this.incoming = e.session;
      });
      return deadline(new Promise((resolve, reject) => {
        ua.on('registered', e => resolve(e.response.status_code));
        ua.on('registrationFailed', e => reject(new Error('registration failed: ' + e.cause + ' ' + (e.response?.status_code ?? ''))));
        ua.start();
      }), 10000, 'JsSIP registered');
    },
    track(session) {
      this.session = session;
      this.over = new Promise(resolve => {
        session.on('ended', e => { note({ type: 'ended', originator: e.originator, cause: e.cause }); resolve({ originator: e.originator, cause: e.cause }); });
        session.on('failed', e => { note({ type: 'failed', originator: e.originator, cause: e.cause }); resolve({ originator: e.originator, cause: e.cause, failed: true, status: e.message?.status_code ?? null }); });
      });
    },
    // dial() returns at once (the page may need to answer elsewhere meanwhile); connected() waits for its media.
    dial(target) {
      const start = performance.now();
      const session = this.ua.call(target, { mediaConstraints: { audio: true, video: false }, pcConfig });
      this.track(session);
      const confirmed = new Promise(resolve => session.on('confirmed', () => resolve(performance.now() - start)));
      const failed = this.over.then(e => { throw new Error('call failed: ' + JSON.stringify(e)); });
      failed.catch(() => {});
      this.pending = (async () => {
        const timing = await Promise.race([media(session.connection, start), failed]);
        return { ...timing, confirmedMs: Math.round(await Promise.race([confirmed, failed])) };
      })();
      this.pending.catch(() => {});
      return true;
    },
    connected() { return deadline(this.pending, 20000, 'the JsSIP call connected'); },
    call(target) { this.dial(target); return this.connected(); },
    async answerNext() {
      await deadline((async () => { while (!this.incoming) await new Promise(r => setTimeout(r, 20)); })(), 15000, 'an incoming JsSIP call');
      const session = this.incoming;
      this.incoming = null;
      this.track(session);
      const start = performance.now();
      session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig });
      return { from: session.remote_identity.uri.user, ...(await media(session.connection, start)) };
    },
    dtmf(digits) { this.session.sendDTMF(digits, { transportType: 'INFO', duration: 160 }); return true; },
    async hangup() { this.session.terminate(); return await deadline(this.over, 10000, 'JsSIP call ended'); },
    ended() { return deadline(this.over, 20000, 'the far end ending the JsSIP call'); },
    async stop() { this.ua.stop(); if (microphone) await microphone.close(); return true; },
  };

  const sipjs = {
    ua: null, inviter: null,
    async start(url, uri, password) {
      const SIP = window.SIP;
      const user = SIP.UserAgent.makeURI(uri);
      const ua = new SIP.UserAgent({ uri: user, transportOptions: { server: url }, authorizationUsername: user.user, authorizationPassword: password,
        sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: pcConfig }, logLevel: 'warn' });
      this.ua = ua;
      await deadline(ua.start(), 10000, 'SIP.js transport connected');
      const registerer = new SIP.Registerer(ua, { expires: 600 });
      return await deadline(new Promise((resolve, reject) => {
        registerer.register({ requestDelegate: {
          onAccept: r => resolve(r.message.statusCode),
          onReject: r => reject(new Error('registration rejected: ' + r.message.statusCode)),
        } }).catch(reject);
      }), 10000, 'SIP.js registered');
    },
    async call(target) {
      const SIP = window.SIP;
      const start = performance.now();
      const inviter = new SIP.Inviter(this.ua, SIP.UserAgent.makeURI(target), { sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
      this.inviter = inviter;
      const established = new Promise((resolve, reject) => inviter.stateChange.addListener(s => {
        note({ type: 'session', state: s });
        if (s === SIP.SessionState.Established) resolve(performance.now() - start);
        if (s === SIP.SessionState.Terminated) reject(new Error('SIP.js call terminated before it was established'));
      }));
      await deadline(inviter.invite(), 10000, 'SIP.js INVITE sent');
      const confirmedMs = await deadline(established, 10000, 'SIP.js call established');
      return { ...(await media(inviter.sessionDescriptionHandler.peerConnection, start)), confirmedMs: Math.round(confirmedMs) };
    },
    async hangup() {
      const SIP = window.SIP;
      const over = new Promise(resolve => this.inviter.stateChange.addListener(s => { if (s === SIP.SessionState.Terminated) resolve(true); }));
      await this.inviter.bye();
      return await deadline(over, 10000, 'SIP.js call terminated');
    },
    async stop() { await this.ua.stop(); if (microphone) await microphone.close(); return true; },
  };

  window.websip = { tone, jssip, sipjs };
  return true;
})()
