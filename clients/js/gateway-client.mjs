// A client for the gateway's signaling protocol (docs/protocol.md, version 1 revision 2): one WebSocket, JSON messages.
// No build step and no dependency: import it as an ES module in a browser, or in Node 22+ (Node 20 with
// --experimental-websocket), or pass your own WebSocket class. It speaks signaling only; the SDP it carries comes from
// your RTCPeerConnection (or from anything else that makes JSEP offers and answers).

const CALL_EVENTS = ['ringing', 'progress', 'answer', 'hangup', 'held', 'resumed', 'transferred', 'updated', 'error'];

/** An error the gateway answered (`{"type":"error"}`), or a local failure (code `closed`, `timeout`). */
export class GatewayError extends Error {
  constructor(code, message, id) {
    super(message || code);
    this.name = 'GatewayError';
    this.code = code;
    this.id = id;
  }
}

/** One call, placed (`client.call`) or delivered (`incoming` event). Listen with `call.addEventListener(type, e => e.detail)`. */
export class Call extends EventTarget {
  constructor(client, id, direction, fields = {}) {
    super();
    this.client = client;
    this.id = id;
    this.direction = direction; // 'outbound' | 'inbound'
    this.state = direction === 'outbound' ? 'calling' : 'incoming';
    this.from = fields.from;
    this.display = fields.display;
    this.offer = fields.sdp; // the gateway's offer, for a delivered call
    this.remoteSdp = null;
    this._pendingUpdate = null;
  }

  /** Accepts a delivered call with the answer SDP. */
  answer(sdp) {
    this._send({ type: 'answer', id: this.id, sdp });
    this.state = 'active';
  }

  /** Sends 180 to the caller of a delivered call. */
  ringing() { this._send({ type: 'ringing', id: this.id }); }

  /** Refuses a delivered call (SIP status 400-699, default 486). */
  reject(code = 486) {
    this._send({ type: 'reject', id: this.id, code });
    this._ended({ code, reason: 'rejected' });
  }

  /** Ends the call (BYE, or CANCEL before the answer); the gateway confirms with a `hangup` event. */
  hangup() { this._send({ type: 'hangup', id: this.id }); }

  /** DTMF digits (0-9 * # A-D), each `duration` ms (40-2000). */
  dtmf(digits, duration = 100) { this._send({ type: 'dtmf', id: this.id, digits, duration }); }

  hold() { this._send({ type: 'hold', id: this.id }); }
  unhold() { this._send({ type: 'unhold', id: this.id }); }
  mute() { this._send({ type: 'mute', id: this.id }); }
  unmute() { this._send({ type: 'unmute', id: this.id }); }

  /** Blind transfer to a number; the gateway answers with a `transferred` event or an `error`. */
  transfer(to) { this._send({ type: 'transfer', id: this.id, to }); }

  /** A trickled candidate (RTCIceCandidate or its JSON); null or an empty candidate signals end-of-candidates. */
  candidate(c) {
    this._send({
      type: 'candidate', id: this.id, candidate: c && c.candidate ? c.candidate : '',
      sdpMid: c && c.sdpMid != null ? c.sdpMid : '0', sdpMLineIndex: c && c.sdpMLineIndex != null ? c.sdpMLineIndex : 0,
    });
  }

  /** Renegotiation (revision 2): resolves with the gateway's answer SDP, rejects with a GatewayError. */
  update(sdp) {
    if (this._pendingUpdate) return Promise.reject(new GatewayError('conflict', 'an update is already in progress', this.id));
    return new Promise((resolve, reject) => {
      this._pendingUpdate = { resolve, reject };
      if (!this._send({ type: 'update', id: this.id, sdp })) this._settleUpdate(new GatewayError('closed', 'not connected', this.id));
    });
  }

  _send(message) { return this.client.send(message); }

  _settleUpdate(error, sdp) {
    const pending = this._pendingUpdate;
    this._pendingUpdate = null;
    if (!pending) return;
    if (error) pending.reject(error); else pending.resolve(sdp);
  }

  _ended(detail) {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this._settleUpdate(new GatewayError('closed', 'the call ended', this.id));
    this.client._calls.delete(this.id);
    this.dispatchEvent(new CustomEvent('hangup', { detail }));
  }

  _onMessage(msg) {
    switch (msg.type) {
      case 'ringing': this.state = 'ringing'; break;
      case 'progress': this.state = 'early'; this.remoteSdp = msg.sdp; break;
      case 'answer': this.state = 'active'; this.remoteSdp = msg.sdp; break;
      case 'held': this.state = 'held'; break;
      case 'resumed': this.state = 'active'; break;
      case 'updated': this.remoteSdp = msg.sdp; this._settleUpdate(null, msg.sdp); break;
      case 'hangup': this._ended({ code: msg.code, reason: msg.reason }); return;
      case 'error':
        if (this._pendingUpdate) { this._settleUpdate(new GatewayError(msg.code, msg.message, this.id)); break; }
        // A refused call (before any answer) is over; a refused candidate, DTMF or hold is not.
        if (this.direction === 'outbound' && this.state === 'calling' && msg.code !== 'bad_request' && msg.code !== 'rate_limited') {
          this.dispatchEvent(new CustomEvent('error', { detail: new GatewayError(msg.code, msg.message, this.id) }));
          this._ended({ code: 0, reason: msg.message || msg.code });
          return;
        }
        break;
      default: break;
    }
    if (CALL_EVENTS.includes(msg.type)) {
      const detail = msg.type === 'error' ? new GatewayError(msg.code, msg.message, this.id) : msg;
      this.dispatchEvent(new CustomEvent(msg.type, { detail }));
    }
  }
}

/**
 * The connection: `await client.connect()`, then `register`, `call`, rooms. It reconnects by itself with
 * `?session=` (calls and registration survive within the gateway's grace period) until `close()`.
 * Events: `welcome`, `incoming` (detail: a Call), `disconnected`, `session-lost` (the gateway started a fresh session:
 * calls are gone), `joined`/`peer-joined`/`peer-left`/`signal`/`full` (rooms), `error` (errors not tied to a request),
 * `message` (every message, for logging).
 */
export class GatewayClient extends EventTarget {
  constructor(url, options = {}) {
    super();
    this.url = url;
    this.token = options.token;
    this.WebSocket = options.WebSocket || globalThis.WebSocket;
    if (!this.WebSocket) throw new Error('no WebSocket: pass options.WebSocket (Node 20: run with --experimental-websocket)');
    this.reconnect = options.reconnect !== false;
    this.pingInterval = options.pingInterval ?? 25000;
    this.maxReconnectDelay = options.maxReconnectDelay ?? 10000;
    this.requestTimeout = options.requestTimeout ?? 10000;
    this.session = null;
    this.iceServers = [];
    this.user = null;
    this.aor = null;
    this.connected = false;
    this._calls = new Map();
    this._pending = []; // register/unregister/join/leave waiting for their answer, oldest first
    this._ws = null;
    this._closed = false;
    this._delay = 500;
    this._ping = null;
    this._nextId = 1;
    this._failedOpens = 0;
    this._everWelcomed = false;
  }

  /** Opens the socket; resolves with the first `welcome` message. */
  connect() {
    this._closed = false;
    return new Promise((resolve, reject) => {
      const onWelcome = (e) => { cleanup(); resolve(e.detail); };
      const onFail = (e) => { cleanup(); reject(e.detail); };
      const cleanup = () => { this.removeEventListener('welcome', onWelcome); this.removeEventListener('connect-failed', onFail); };
      this.addEventListener('welcome', onWelcome);
      this.addEventListener('connect-failed', onFail);
      this._open();
    });
  }

  /** Closes for good: no reconnect; pending requests fail with `closed`. */
  close() {
    this._closed = true;
    clearInterval(this._ping);
    if (this._ws) this._ws.close(1000);
    this._failPending(new GatewayError('closed', 'client closed'));
  }

  /** Sends one message; false when not connected. */
  send(message) {
    if (!this._ws || this._ws.readyState !== 1) return false;
    this._ws.send(JSON.stringify(message));
    return true;
  }

  /** Registers as `user`; resolves with `{user, aor}`. */
  register(user) { return this._request({ type: 'register', user }, 'registered'); }

  unregister() { return this._request({ type: 'unregister' }, 'unregistered'); }

  /** Places a call with a JSEP offer; returns the Call at once (listen for `ringing`, `answer`, `hangup`). */
  call(to, sdp, options = {}) {
    const id = options.id || `c${Date.now().toString(36)}${(this._nextId++).toString(36)}`;
    const call = new Call(this, id, 'outbound');
    this._calls.set(id, call);
    if (!this.send({ type: 'call', id, to, sdp })) {
      queueMicrotask(() => call._ended({ code: 0, reason: 'not connected' }));
    }
    return call;
  }

  /** The call with this id, placed or delivered and not ended. */
  callById(id) { return this._calls.get(id); }

  /** Joins a room; resolves with `{room, peer, peers}` (rejects with code `full` when it is). */
  join(room) { return this._request({ type: 'join', room }, 'joined', ['full']); }

  leave(room) { return this._request({ type: 'leave', room }, null); }

  /** Relays `data` to one peer of a room. */
  signal(room, to, data) { return this.send({ type: 'signal', room, to, data }); }

  // ---- internals --------------------------------------------------------------------------------------------------

  _socketUrl() {
    const url = new URL(this.url);
    if (this.token && !url.searchParams.has('token')) url.searchParams.set('token', this.token);
    if (this.session) url.searchParams.set('session', this.session);
    return url.toString();
  }

  _open() {
    let ws;
    try { ws = new this.WebSocket(this._socketUrl()); } catch (e) { this._emit('connect-failed', e); return; }
    this._ws = ws;
    let opened = false;
    ws.onopen = () => { opened = true; this._delay = 500; this._failedOpens = 0; };
    ws.onmessage = (ev) => this._onFrame(ev.data);
    let finished = false;
    // Browsers follow a failed handshake's error with close; some WebSocket implementations (Node 20) stop at error.
    ws.onerror = () => { if (!opened) ws.onclose({ code: 1006, reason: 'handshake failed' }); };
    ws.onclose = (ev) => {
      if (finished || this._ws !== ws) return;
      finished = true;
      this.connected = false;
      clearInterval(this._ping);
      this._failPending(new GatewayError('closed', 'connection closed'));
      this._emit('disconnected', { code: ev.code, reason: ev.reason, opened });
      if (!this._everWelcomed) {
        // Never welcomed (refused: 401, 503, nothing listening): connect() fails and nothing retries.
        this._closed = true;
        this._emit('connect-failed', new GatewayError('closed', `connection refused (close ${ev.code})`));
        return;
      }
      if (this._closed || !this.reconnect) return;
      // A session the gateway refuses to resume (403 for another identity) is not retried forever: start afresh.
      if (!opened && ++this._failedOpens >= 3) this.session = null;
      setTimeout(() => { if (!this._closed) this._open(); }, this._delay);
      this._delay = Math.min(this._delay * 2, this.maxReconnectDelay);
    };
  }

  _onFrame(data) {
    let msg;
    try { msg = JSON.parse(data); } catch { return; }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
    this._emit('message', msg);
    if (msg.type === 'welcome') { this._onWelcome(msg); return; }
    if (msg.type === 'incoming') {
      const call = new Call(this, msg.id, 'inbound', msg);
      this._calls.set(msg.id, call);
      this._emit('incoming', call);
      return;
    }
    if (msg.id !== undefined && this._calls.has(msg.id)) { this._calls.get(msg.id)._onMessage(msg); return; }
    switch (msg.type) {
      case 'registered': this.user = msg.user; this.aor = msg.aor; this._settle('registered', null, msg); break;
      case 'unregistered': this.user = null; this.aor = null; this._settle('unregistered', null, msg); break;
      case 'joined': this._settle('joined', null, msg); this._emit('joined', msg); break;
      case 'full': this._settle('full', new GatewayError('full', `room ${msg.room} is full`), msg); this._emit('full', msg); break;
      case 'error':
        if (!this._settle(null, new GatewayError(msg.code, msg.message, msg.id), msg)) this._emit('error', new GatewayError(msg.code, msg.message, msg.id));
        break;
      case 'peer-joined': case 'peer-left': case 'signal': this._emit(msg.type, msg); break;
      default: break; // pong and messages of later revisions
    }
  }

  _onWelcome(msg) {
    const resumed = this.session !== null && msg.session === this.session && msg.resumed === true;
    const lost = this._everWelcomed && !resumed;
    this._everWelcomed = true;
    this.session = msg.session;
    this.iceServers = Array.isArray(msg.iceServers) ? msg.iceServers : [];
    this.connected = true;
    clearInterval(this._ping);
    if (this.pingInterval > 0) this._ping = setInterval(() => this.send({ type: 'ping' }), this.pingInterval);
    if (lost) {
      // The gateway no longer knows the old session: its calls and registration are gone.
      for (const call of [...this._calls.values()]) call._ended({ code: 0, reason: 'session lost' });
      const user = this.user;
      this.user = null;
      this.aor = null;
      this._emit('session-lost', { user });
    }
    this._emit('welcome', msg);
  }

  _request(message, answerType, failTypes = []) {
    return new Promise((resolve, reject) => {
      const entry = { answerType, failTypes, resolve, reject, timer: null };
      entry.timer = setTimeout(() => {
        this._pending = this._pending.filter((p) => p !== entry);
        reject(new GatewayError('timeout', `no answer to ${message.type}`));
      }, this.requestTimeout);
      if (!this.send(message)) { clearTimeout(entry.timer); reject(new GatewayError('closed', 'not connected')); return; }
      if (answerType === null) { clearTimeout(entry.timer); resolve(); return; } // leave: only an error answers
      this._pending.push(entry);
    });
  }

  /** Settles the oldest pending request expecting `type` (or any, for an error); false when none waited. */
  _settle(type, error, msg) {
    const index = this._pending.findIndex((p) => type === null || p.answerType === type || p.failTypes.includes(type));
    if (index < 0) return false;
    const [entry] = this._pending.splice(index, 1);
    clearTimeout(entry.timer);
    if (error) entry.reject(error); else entry.resolve(msg);
    return true;
  }

  _failPending(error) {
    const pending = this._pending;
    this._pending = [];
    for (const entry of pending) { clearTimeout(entry.timer); entry.reject(error); }
  }

  _emit(type, detail) { this.dispatchEvent(new CustomEvent(type, { detail })); }
}
