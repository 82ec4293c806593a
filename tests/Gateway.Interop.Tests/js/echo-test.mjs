// Drives Debian's /usr/bin/chromium (never a downloaded browser) against the gateway's media engine.
// Usage: node echo-test.mjs <page url> [seconds]
// The page (served by the C# test) makes an RTCPeerConnection with a fake microphone, POSTs its offer to /offer,
// applies the gateway's answer (ICE-lite, DTLS passive, PCMU, echo app), then polls getStats().
// Prints one line "RESULT <json>" on stdout; browser console lines go to stderr.
import { chromium } from 'playwright-core';

const url = process.argv[2];
const seconds = Number(process.argv[3] ?? 8);
if (!url) { console.error('usage: node echo-test.mjs <url> [seconds]'); process.exit(2); }

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  ],
});
let status = 0;
try {
  const page = await browser.newPage();
  page.on('console', m => console.error(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', e => console.error(`[page error] ${e.message}`));
  await page.goto(url);
  const result = await page.evaluate(s => window.runMediaTest(s), seconds);
  console.log('RESULT ' + JSON.stringify(result));
} catch (e) {
  console.error('driver failed: ' + (e?.stack ?? e));
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
