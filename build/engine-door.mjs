/**
 * An esbuild plugin: a value imported through the engine's one door (main/engine/index.ts) is bundled as an import
 * of the module that defines it. The door stays the only import the sources may write (tests/engine/layout.test.ts);
 * this is only how the bundles link it.
 *
 * Why: esbuild splits code into chunks by whole files, and a file importing the door reaches every module the door
 * re-exports. The command line's entry imports the door for the few functions that start the scans, and the rest
 * of the command (a chunk its dynamic import loads while the scans run) imports it for everything else; through the
 * door the whole engine would be "shared" and load before the scans start.
 */
import fs from 'node:fs';
import path from 'node:path';

/** `import { a, type B, c as d } from '…/engine/index.js';` on one line (eslint's style keeps them there). */
const DOOR_IMPORT = /^import \{([^}]*)\} from '((?:\.\.?\/)+(?:engine\/)?index\.js)';$/gm;
/** `export { a, b as c, type T } from './x.js';` in the door. */
const DOOR_EXPORT = /^export (type )?\{([^}]*)\} from '(\.\/[^']+)';$/gm;

/** Exported name → [the defining module's path, its name there], read from the door's own re-exports. */
function readDoor(door) {
  const names = new Map();
  for (const [, typeOnly, list, from] of fs.readFileSync(door, 'utf8').matchAll(DOOR_EXPORT)) {
    if (typeOnly !== undefined) continue;
    const file = path.resolve(path.dirname(door), from.replace(/\.js$/, '.ts'));
    for (const item of list.split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('type '))) {
      const [inner, outer = inner] = item.split(/\s+as\s+/);
      names.set(outer, [file, inner]);
    }
  }
  return names;
}

/** `sources`: the folder whose files are rewritten (main/); `door`: main/engine/index.ts. */
export function engineDoorPlugin({ sources, door }) {
  const engine = path.dirname(door) + path.sep;
  return {
    name: 'engine-door',
    setup(build) {
      let names;
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(sources) || args.path.startsWith(engine)) return undefined;
        const text = fs.readFileSync(args.path, 'utf8');
        let changed = false;
        const contents = text.replace(DOOR_IMPORT, (statement, list, from) => {
          if (path.resolve(path.dirname(args.path), from.replace(/\.js$/, '.ts')) !== door) return statement;
          names ??= readDoor(door);
          const values = list.split(',').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('type '));
          const lines = values.map((item) => {
            const [outer, local = outer] = item.split(/\s+as\s+/);
            const found = names.get(outer);
            if (found === undefined) throw new Error(`${args.path}: ${outer} is not a value the engine's door re-exports`);
            return `import { ${found[1]} as ${local} } from ${JSON.stringify(found[0])};`;
          });
          changed = true;
          return lines.join(' ');
        });
        return changed ? { contents, loader: 'ts', resolveDir: path.dirname(args.path) } : undefined;
      });
    },
  };
}
