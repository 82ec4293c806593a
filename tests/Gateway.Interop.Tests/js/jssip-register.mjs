// Registers a JsSIP 3.13 user agent with the gateway over SIP-over-WebSocket (RFC 7118) in Debian's headless Chromium.
// Usage: node jssip-register.mjs <wss url> <sip uri> <password> <seconds registered>
// Prints "REGISTERED", then after <seconds> unregisters and prints "UNREGISTERED"; on failure "FAILED <cause>" and exit 1.
// The npm package is CommonJS (lib/ only): jssip-bundle.mjs wraps the few modules it needs into one script for the page.
import { chromium } from 'playwright-core';
import { jssipBundle } from './jssip-bundle.mjs';

const [url, uri, password, seconds = '3'] = process.argv.slice(2);
if (!url || !uri || !password) { console.error('usage: node jssip-register.mjs <wss url> <sip uri> <password> [seconds]'); process.exit(2); }

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  // The gateway's development certificate is self-signed.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--ignore-certificate-errors',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let status = 0;
try {
  const page = await browser.newPage();
  page.on('console', m => console.error(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', e => console.error(`[page error] ${e.message}`));
  // A page of the gateway's own origin: Chromium blocks a public page (about:blank) from reaching loopback.
  await page.goto(url.replace(/^ws/, 'http').replace(/\/sip$/, '/healthz'));
  await page.addScriptTag({ content: jssipBundle() });
  const registered = await page.evaluate(({ url, uri, password }) => new Promise(done => {
    const ua = new window.JsSIP.UA({ sockets: [new window.JsSIP.WebSocketInterface(url)], uri, password, register: true, register_expires: 600 });
    window.ua = ua;
    ua.on('registered', e => done('REGISTERED ' + e.response.status_code));
    ua.on('registrationFailed', e => done('FAILED ' + e.cause + ' ' + (e.response?.status_code ?? '')));
    setTimeout(() => done('FAILED timeout'), 10000);
    ua.start();
  }), { url, uri, password });
  console.log(registered);
  if (!registered.startsWith('REGISTERED')) throw new Error(registered);
  await new Promise(r => setTimeout(r, Number(seconds) * 1000));
  const unregistered = await page.evaluate(() => new Promise(done => {
    window.ua.on('unregistered', () => done('UNREGISTERED'));
    setTimeout(() => done('FAILED unregister timeout'), 10000);
    window.ua.unregister();
  }));
  console.log(unregistered);
  if (unregistered !== 'UNREGISTERED') throw new Error(unregistered);
  await page.evaluate(() => window.ua.stop());
} catch (e) {
  console.error('driver failed: ' + (e?.stack ?? e));
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
