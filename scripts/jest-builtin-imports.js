// Jest's CommonJS runtime cannot run `import("fs")` without --experimental-vm-modules, and
// PGlite's CommonJS build and the OTLP exporter load Node built-ins that way. This rewrites those literal dynamic
// imports of built-ins into require() calls, for the files jest.config.js routes here only.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const { builtinModules } = require('node:module');

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

const self = fs.readFileSync(require.resolve('./jest-builtin-imports.js'));

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha256').update(self).update(filename).update(source).digest('hex');
  },
  process(source) {
    // The module's own code declares local variables named `require`, so keep a handle on the real
    // one. Object.create keeps non-enumerable exports (jest's own `module` has class statics).
    const code = source.replace(/\bimport\((["'])([^"']+)\1\)/g, (whole, _q, name) =>
      builtins.has(name) ? `Promise.resolve().then(() => { const m = __builtinRequire(${JSON.stringify(name)}); return Object.assign(Object.create(m), { default: m }); })` : whole,
    );
    return { code: `const __builtinRequire = require;${code}` };
  },
};
