// Registers a JsSIP 3.13 user agent with the gateway over SIP-over-WebSocket (RFC 7118) in Debian's headless Chromium.
// Usage: node jssip-register.mjs <wss url> <sip uri> <password> <seconds registered>
// Prints "REGISTERED", then after <seconds> unregisters and prints "UNREGISTERED"; on failure "FAILED <cause>" and exit 1.
// The npm package is CommonJS (lib/ only), so the few modules it needs are wrapped here into one script for the page.
import { chromium } from 'playwright-core';
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [url, uri, password, seconds = '3'] = process.argv.slice(2);
if (!url || !uri || !password) { console.error('usage: node jssip-register.mjs <wss url> <sip uri> <password> [seconds]'); process.exit(2); }

/** Resolves a require() specifier from a file: relative paths, or a package's "browser" (string) or "main" entry. */
function resolve(spec, from) {
  if (spec.startsWith('.')) {
    const base = path.resolve(path.dirname(from), spec);
    for (const candidate of [base, base + '.js', path.join(base, 'index.js')]) if (existsSync(candidate) && /\.(js|json)$/.test(candidate)) return candidate;
    throw new Error(`cannot resolve ${spec} from ${from}`);
  }
  const pkgJson = createRequire(from).resolve(spec + '/package.json');
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8'));
  const entry = typeof pkg.browser === 'string' ? pkg.browser : (pkg.main ?? 'index.js');
  return resolve('./' + entry.replace(/^\.\//, ''), pkgJson);
}

/** One script defining window.JsSIP from the CommonJS modules reachable from jssip's main file. */
function bundle() {
  const entry = createRequire(import.meta.url).resolve('jssip');
  const modules = new Map();
  const queue = [entry];
  while (queue.length) {
    const file = queue.pop();
    if (modules.has(file)) continue;
    if (file.endsWith('.json')) { modules.set(file, { source: 'module.exports = ' + JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))) + ';', deps: {} }); continue; }
    const source = readFileSync(file, 'utf8');
    const deps = {};
    for (const m of source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      if (['tty', 'util', 'supports-color'].includes(m[1])) continue; // debug's node build only
      deps[m[1]] = resolve(m[1], file);
      queue.push(deps[m[1]]);
    }
    modules.set(file, { source, deps });
  }
  const defs = [...modules].map(([file, { source, deps }]) =>
    `${JSON.stringify(file)}: { deps: ${JSON.stringify(deps)}, fn: function (module, exports, require) {\n${source}\n} }`).join(',\n');
  return `(function () { const process = { env: {} }; const defs = {${defs}}; const cache = {};
    function load(file) { if (cache[file]) return cache[file].exports; const module = cache[file] = { exports: {} };
      defs[file].fn.call(module.exports, module, module.exports, spec => { const dep = defs[file].deps[spec]; if (!dep) throw new Error('no module ' + spec); return load(dep); });
      return module.exports; }
    window.JsSIP = load(${JSON.stringify(entry)}); })();`;
}

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
  await page.addScriptTag({ content: bundle() });
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
