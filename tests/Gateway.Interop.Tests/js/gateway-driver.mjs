// Long-lived Chromium driver for the gateway end-to-end tests (tests/Gateway.Interop.Tests/Gateway).
// Protocol: one JSON command per stdin line, one JSON reply per stdout line:
//   {"id":1,"op":"open","url":"http://127.0.0.1:p/?user=alice"}  -> {"id":1,"ok":true,"result":{"page":0}}
//   ops: open, fill, click, press, waitState, waitEvent, events, state, stats, eval, library, screenshot, closePage, quit
// Every op has a hard timeout; the whole process exits by itself after --lifetime seconds or when stdin closes.
// Uses Debian's /usr/bin/chromium through playwright-core: never downloads a browser.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { jssipBundle } from './jssip-bundle.mjs';

const args = Object.fromEntries(process.argv.slice(2).map(a => a.replace(/^--/, '').split('=')));
const lifetimeMs = Number(args.lifetime ?? 240) * 1000;
const log = (...m) => process.stderr.write(`[driver ${new Date().toISOString()}] ${m.join(' ')}\n`);

const watchdog = setTimeout(() => { log('lifetime exceeded, exiting'); process.exit(3); }, lifetimeMs);
watchdog.unref();

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  timeout: 30000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'],
});
const context = await browser.newContext({ permissions: ['microphone'] });
const pages = [];

const sleep = ms => new Promise(r => setTimeout(r, ms));
const withTimeout = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms)),
]);
function page(n) {
  const p = pages[n ?? 0];
  if (!p || p.isClosed()) throw new Error(`no open page ${n}`);
  return p;
}
const gatewayState = p => p.evaluate(() => window.gateway ? window.gateway.state : null);

// A summary of RTCPeerConnection.getStats(): ICE/DTLS states and audio packet counters.
const statsSummary = p => p.evaluate(async () => {
  const pc = window.gateway && window.gateway.pc;
  if (!pc) return null;
  const out = { connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState, signalingState: pc.signalingState,
    dtlsState: null, iceState: null, selectedPairState: null, packetsReceived: 0, packetsSent: 0, bytesReceived: 0, codec: null };
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach(s => byId.set(s.id, s));
  report.forEach(s => {
    if (s.type === 'transport') {
      out.dtlsState = s.dtlsState; out.iceState = s.iceState ?? null;
      const pair = s.selectedCandidatePairId && byId.get(s.selectedCandidatePairId);
      if (pair) out.selectedPairState = pair.state;
    }
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.packetsReceived += s.packetsReceived ?? 0; out.bytesReceived += s.bytesReceived ?? 0;
      const codec = s.codecId && byId.get(s.codecId);
      if (codec) out.codec = codec.mimeType;
    }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent += s.packetsSent ?? 0;
  });
  return out;
});

async function waitFor(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last.done) return last.value;
    await sleep(50);
  }
  throw new Error(`timeout after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last && last.seen)}`);
}

const ops = {
  async open(c) {
    const p = await context.newPage();
    const n = pages.push(p) - 1;
    p.on('console', m => log(`page${n} console.${m.type()}: ${m.text()}`));
    p.on('pageerror', e => log(`page${n} error: ${e.message}`));
    p.on('websocket', ws => {
      log(`page${n} ws open ${ws.url()}`);
      ws.on('framesent', f => log(`page${n} ws> ${String(f.payload).slice(0, 300)}`));
      ws.on('framereceived', f => log(`page${n} ws< ${String(f.payload).slice(0, 300)}`));
      ws.on('close', () => log(`page${n} ws closed`));
    });
    await p.goto(c.url, { timeout: c.timeoutMs ?? 15000 });
    return { page: n };
  },
  async fill(c) { await page(c.page).fill(c.selector, String(c.value), { timeout: c.timeoutMs ?? 5000 }); return {}; },
  async click(c) { await page(c.page).click(c.selector, { timeout: c.timeoutMs ?? 5000 }); return {}; },
  async state(c) { return { state: await gatewayState(page(c.page)) }; },
  async waitState(c) {
    const p = page(c.page);
    const states = [].concat(c.states ?? c.state);
    return { state: await waitFor(async () => {
      const s = await gatewayState(p);
      return { done: states.includes(s), value: s, seen: s };
    }, c.timeoutMs ?? 10000, `state ${states.join('|')}`) };
  },
  // Waits for a server message of one of `types` (optionally with that call id) at index >= `from`.
  async waitEvent(c) {
    const p = page(c.page);
    const types = [].concat(c.types ?? c.type);
    return await waitFor(async () => {
      const events = await p.evaluate(() => (window.gateway && window.gateway.events) || []);
      const i = events.findIndex((e, k) => k >= (c.from ?? 0) && types.includes(e.type) && (c.callId == null || e.id === c.callId));
      return { done: i >= 0, value: { index: i, event: events[i] }, seen: events.map(e => e.type) };
    }, c.timeoutMs ?? 10000, `event ${types.join('|')}`);
  },
  async events(c) { return { events: await page(c.page).evaluate(() => (window.gateway && window.gateway.events) || []) }; },
  async stats(c) { return { stats: await statsSummary(page(c.page)) }; },
  async eval(c) { return { value: await page(c.page).evaluate(c.expr) }; },
  async sleep(c) { await sleep(c.ms); return {}; },
  // Loads a SIP-over-WebSocket library into the page: "jssip" defines window.JsSIP (the CommonJS package wrapped,
  // jssip-bundle.mjs); "sipjs" defines window.SIP (SIP.js's ES modules served under /sipjs/ of the page's origin);
  // then js/websip-page.js (window.websip).
  async library(c) {
    const p = page(c.page);
    // websip-page.js, the tests' page side (window.websip), comes with either.
    const pageScript = () => p.addScriptTag({ path: path.join(path.dirname(new URL(import.meta.url).pathname), 'websip-page.js') });
    if (c.name === 'jssip') {
      await p.addScriptTag({ content: jssipBundle() });
      await pageScript();
      return { version: await p.evaluate(() => window.JsSIP.version) };
    }
    if (c.name !== 'sipjs') throw new Error(`unknown library ${c.name}`);
    const lib = path.dirname(createRequire(import.meta.url).resolve('sip.js'));
    await p.route('**/sipjs/**', async route => {
      const file = path.resolve(lib, decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/sipjs\//, '')));
      if (!file.startsWith(lib + path.sep) || !file.endsWith('.js')) { await route.fulfill({ status: 404, body: '' }); return; }
      await route.fulfill({ status: 200, contentType: 'text/javascript', body: await readFile(file, 'utf8').catch(() => '') });
    });
    await p.evaluate(async () => { window.SIP = await import('/sipjs/index.js'); });
    await pageScript();
    return { version: await p.evaluate(() => window.SIP.version) };
  },
  // Saves a PNG of the page to c.path and counts its distinct colours (decoded in a scratch page's canvas): a blank
  // page has one or two.
  async screenshot(c) {
    const png = await page(c.page).screenshot({ path: c.path, fullPage: true, timeout: c.timeoutMs ?? 10000 });
    const scratch = await context.newPage();
    try {
      const colours = await scratch.evaluate(async dataUrl => {
        const img = new Image();
        img.src = dataUrl;
        await img.decode();
        const canvas = new OffscreenCanvas(img.width, img.height);
        const g = canvas.getContext('2d');
        g.drawImage(img, 0, 0);
        const data = g.getImageData(0, 0, img.width, img.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length && seen.size < 10000; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return { width: img.width, height: img.height, colours: seen.size };
      }, 'data:image/png;base64,' + png.toString('base64'));
      return colours;
    } finally {
      await scratch.close();
    }
  },
  async closePage(c) { await page(c.page).close({ runBeforeUnload: false }); return {}; },
  async quit() { setTimeout(async () => { await browser.close().catch(() => {}); process.exit(0); }, 10); return {}; },
};

const reply = o => process.stdout.write(JSON.stringify(o) + '\n');
reply({ id: 0, ok: true, result: { ready: true, version: browser.version() } });

const rl = createInterface({ input: process.stdin });
rl.on('line', async line => {
  let c;
  try { c = JSON.parse(line); } catch { reply({ id: -1, ok: false, error: 'bad command JSON' }); return; }
  const op = ops[c.op];
  if (!op) { reply({ id: c.id, ok: false, error: `unknown op ${c.op}` }); return; }
  try {
    const result = await withTimeout(op(c), (c.timeoutMs ?? 15000) + 5000, c.op);
    reply({ id: c.id, ok: true, result });
  } catch (e) {
    log(`op ${c.op} failed: ${e.message}`);
    reply({ id: c.id, ok: false, error: e.message });
  }
});
rl.on('close', async () => { await browser.close().catch(() => {}); process.exit(0); });
