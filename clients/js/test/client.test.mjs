// node --test (Node 20: --experimental-websocket) against a running gateway: GATEWAY_WS=ws://127.0.0.1:<port>/ws.
// tests/Gateway.Interop.Tests runs it with a gateway of its own (JsClientTests); the dialplan's 600 is the echo app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { GatewayClient, GatewayError } from '../gateway-client.mjs';

const url = process.env.GATEWAY_WS;
if (!url) throw new Error('GATEWAY_WS is not set (ws://127.0.0.1:<port>/ws of a running gateway)');

/** A Chrome-shaped audio offer that never completes ICE: enough for the gateway to answer. */
function offer() {
  const fingerprint = [...randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
  return [
    'v=0', `o=- ${randomBytes(4).readUInt32BE() >>> 1} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 101', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    'a=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host generation 0',
    `a=ice-ufrag:${randomBytes(4).toString('hex')}`, `a=ice-pwd:${randomBytes(12).toString('hex')}`, 'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`, 'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', '',
  ].join('\r\n');
}

const once = (target, type, ms = 5000) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
  target.addEventListener(type, (e) => { clearTimeout(timer); resolve(e.detail); }, { once: true });
});

async function connected(options = {}) {
  const client = new GatewayClient(url, { pingInterval: 0, ...options });
  await client.connect();
  return client;
}

test('welcome, register and a refused registration', async () => {
  const client = await connected();
  try {
    assert.ok(client.session, 'a session id');
    assert.ok(Array.isArray(client.iceServers));
    const registered = await client.register('jsalice');
    assert.equal(registered.user, 'jsalice');
    assert.match(registered.aor, /^sip:jsalice@/);
    await assert.rejects(client.register('Not A Name'), (e) => e instanceof GatewayError && e.code === 'bad_request');
    await client.unregister();
    assert.equal(client.user, null);
  } finally {
    client.close();
  }
});

test('a call to the echo app is answered and hung up', async () => {
  const client = await connected();
  try {
    const call = client.call('600', offer());
    const answer = await once(call, 'answer');
    assert.match(answer.sdp, /a=ice-lite/);
    assert.equal(call.state, 'active');
    call.dtmf('1');
    const ended = once(call, 'hangup');
    call.hangup();
    const { code } = await ended;
    assert.equal(code, 200);
    assert.equal(call.state, 'ended');
    assert.equal(client.callById(call.id), undefined);
  } finally {
    client.close();
  }
});

test('a reconnect with the session id resumes the session and its registration', async () => {
  const client = await connected();
  try {
    await client.register('jsbob');
    const first = client.session;
    const welcomed = once(client, 'welcome', 8000);
    client._ws.close(4000, 'test drop'); // the network goes away; the client reconnects by itself
    const welcome = await welcomed;
    assert.equal(welcome.session, first);
    assert.equal(welcome.resumed, true);
    assert.equal(client.user, 'jsbob');
  } finally {
    client.close();
  }
});

test('rooms: join, peer-joined and a signal to one peer', async () => {
  const a = await connected();
  const b = await connected();
  try {
    const room = 'js-' + randomBytes(3).toString('hex');
    const joinedA = await a.join(room);
    const peerJoined = once(a, 'peer-joined');
    const joinedB = await b.join(room);
    assert.deepEqual(joinedB.peers, [joinedA.peer]);
    assert.equal((await peerJoined).peer, joinedB.peer);
    const signalled = once(b, 'signal');
    a.signal(room, joinedB.peer, { hello: 1 });
    const signal = await signalled;
    assert.equal(signal.from, joinedA.peer);
    assert.deepEqual(signal.data, { hello: 1 });
  } finally {
    a.close();
    b.close();
  }
});

test('a call for an unknown id and a bad candidate are errors that leave the session usable', async () => {
  const client = await connected();
  try {
    const errored = once(client, 'error');
    client.send({ type: 'hold', id: 'nope' });
    assert.equal((await errored).code, 'not_found');
    const registered = await client.register('jscarol');
    assert.equal(registered.user, 'jscarol');
  } finally {
    client.close();
  }
});

test('a refused connection rejects connect() and does not retry', async () => {
  const refused = new GatewayClient(url.replace(/\/ws$/, '/no-such-endpoint'), { pingInterval: 0 });
  await assert.rejects(refused.connect(), (e) => e instanceof GatewayError && e.code === 'closed');
});
