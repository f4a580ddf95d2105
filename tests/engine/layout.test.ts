/**
 * Keeps the architecture true, on a clean clone (it reads the sources, no build needed): the main process's modules import one
 * another without a cycle, nothing outside the engine reaches past main/engine/index.ts (the lint rule holds this
 * too; this is the second guard), and no function, method or class in the engine grows long without saying why.
 */
import { describe, expect, it } from 'vitest';
import { findCycle, importsOf, longUnits, sourceFiles } from '../helpers/source-layout.js';

const LONGEST = 120;

describe('the layout of the code', () => {
  it('has no import cycle among main/**/*.ts (value imports; import type is erased)', () => {
    const files = sourceFiles('main');
    const edges = (file: string): string[] => importsOf(file).flatMap((i) => (i.typeOnly || i.target === undefined || !i.target.startsWith('main/') ? [] : [i.target]));
    const cycle = findCycle(files, edges);
    expect(cycle === undefined ? 'no cycle' : `import cycle: ${cycle.join(' -> ')}`).toBe('no cycle');
  });

  it('lets nothing outside main/engine import a module of the engine other than main/engine/index.ts', () => {
    const outside = ['main', 'preload', 'renderer'].flatMap(sourceFiles).filter((file) => !file.startsWith('main/engine/'));
    expect(outside.length).toBeGreaterThan(20); // the walk found the app, the CLI, the runner, preload and renderer
    const deep = outside.flatMap((file) =>
      importsOf(file)
        .filter((i) => i.target?.startsWith('main/engine/') === true && i.target !== 'main/engine/index.ts')
        .map((i) => `${file}:${i.line} imports ${i.specifier}`),
    );
    expect(deep).toEqual([]);
  });

  it(`has no function, method or class over ${LONGEST} lines in main/engine unless the comment above it says why ("long because")`, () => {
    const units = sourceFiles('main/engine').flatMap((file) => longUnits(file, LONGEST));
    const unexplained = units.filter((u) => !/long because/i.test(u.comment)).map((u) => `${u.file}:${u.line} ${u.name} (${u.lines} lines)`);
    expect(unexplained).toEqual([]);
  });
});
