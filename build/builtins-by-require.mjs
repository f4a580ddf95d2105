/**
 * An esbuild plugin: Node's own modules (`node:fs`, `events`, …) are loaded with the bundle's `require` (the banner's
 * createRequire) instead of ES module imports. For each built-in a module imports, Node builds an ES module facade
 * that copies every export, running the module's lazy getters (`fs` then loads its streams); a CommonJS require
 * hands back the module object as it is. Each built-in becomes one small ES module inside the bundle, so the code
 * that imports it links to plain variables, without esbuild's CommonJS interop copying the object per importer.
 * Those variables are read once: a later replacement of a built-in's export (syncBuiltinESMExports) is not seen.
 */
import { builtinModules, createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BUILTIN = new RegExp(`^(node:.*|${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The module's default export and one named export per property. Each is read through a call marked pure, which
 * esbuild drops when nothing uses the name: reading every property would run the lazy getters (fs.ReadStream,
 * util.parseArgs) that this plugin avoids.
 */
function moduleText(specifier) {
  const object = require(specifier);
  const names = Object.getOwnPropertyNames(object).filter((name) => IDENTIFIER.test(name) && name !== 'default');
  return [
    `const builtin$module = require(${JSON.stringify(specifier)});`,
    'const builtin$read = (name) => builtin$module[name];',
    'export default builtin$module;',
    ...names.map((name) => `export const ${name} = /* @__PURE__ */ builtin$read(${JSON.stringify(name)});`),
  ].join('\n');
}

export const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    build.onResolve({ filter: BUILTIN }, (args) =>
      args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: moduleText(args.path), loader: 'js' }));
  },
};
