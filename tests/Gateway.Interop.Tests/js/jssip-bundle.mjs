// JsSIP's npm package is CommonJS (lib/ only): the modules reachable from its main file wrapped into one script that
// defines window.JsSIP in a page (for page.addScriptTag). Used by jssip-register.mjs and gateway-driver.mjs ("library").
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

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
export function jssipBundle() {
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
