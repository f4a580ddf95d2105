/**
 * The shape of the code as the TypeScript parser sees it, for tests/engine/layout.test.ts: which module imports
 * which (a value import loads the module, `import type` does not), import cycles, and long functions. Files are
 * read from the repository, so the checks hold on a clean clone without a build.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Every .ts file below `dir` (repository-relative, '/'-separated), declaration files excepted. */
export function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) found.push(child);
    }
  };
  walk(dir);
  return found.sort();
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
}

export interface Import {
  /** Repository-relative path of the imported .ts file; undefined for a package or a file outside the sources. */
  readonly target: string | undefined;
  readonly specifier: string;
  /** `import type` / `export type … from`: erased, the module is not loaded. */
  readonly typeOnly: boolean;
  readonly line: number;
}

/** './x.js' from main/a/b.ts → main/a/x.ts (or x/index.ts); packages and node: modules give undefined. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(ROOT, candidate))) return candidate;
  return undefined;
}

/** Static imports and re-exports of a file, and `import('…')` calls with a literal (never type-only). */
export function importsOf(file: string): Import[] {
  const source = parse(file);
  const found: Import[] = [];
  const add = (specifier: ts.Expression, typeOnly: boolean, node: ts.Node): void => {
    if (!ts.isStringLiteral(specifier)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push({ target: resolve(file, specifier.text), specifier: specifier.text, typeOnly, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false, node);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node.moduleSpecifier, node.isTypeOnly, node);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, node.isTypeOnly, node);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) add(node.arguments[0], false, node);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, true, node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The first cycle found among value imports of `files` (its files in import order, the first repeated last), if any. */
export function findCycle(files: readonly string[], edges: (file: string) => readonly string[]): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges(file)) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of files) {
    if (state.get(file) !== undefined) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

export interface LongUnit {
  readonly file: string;
  readonly name: string;
  readonly line: number;
  readonly lines: number;
  /** The comment block right above it (or above the statement that declares it), '' if none. */
  readonly comment: string;
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const holder = node.parent;
  if (holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder))) return holder.name.getText(source);
  return '(anonymous)';
}

/** The node whose leading comment documents `node`: the declaration or statement that starts on its line. */
function documented(node: ts.Node, source: ts.SourceFile): ts.Node {
  const lineOf = (n: ts.Node): number => source.getLineAndCharacterOfPosition(n.getStart(source)).line;
  let at = node;
  while (at.parent && !ts.isSourceFile(at.parent) && !ts.isClassLike(at.parent) && lineOf(at.parent) === lineOf(node)) at = at.parent;
  return at;
}

function commentAbove(node: ts.Node, source: ts.SourceFile): string {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const last = ranges[ranges.length - 1];
  return last === undefined ? '' : source.text.slice(last.pos, last.end);
}

/** Functions (declared, expressions, arrows), methods, accessors, constructors and classes longer than `limit` lines. */
export function longUnits(file: string, limit: number): LongUnit[] {
  const source = parse(file);
  const found: LongUnit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) found.push({ file, name: nameOf(node, source), line: start + 1, lines, comment: commentAbove(documented(node, source), source) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
