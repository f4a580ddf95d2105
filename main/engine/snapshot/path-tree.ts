/**
 * A map from relative paths to values that can also list and move whole subtrees cheaply: the working copy
 * of the replica and of the record while renames are applied "virtually" before planning the rest.
 */
import { parentOf } from '../fs/paths.js';

export class PathTree<T> {
  private values: Map<string, T>;
  /** The caller's map, until the first change: most runs move nothing, and copying 100,000 entries is not free. */
  private shared: boolean;
  /** Built on the first subtree query: most runs move nothing and never need it. */
  private children: Map<string, Set<string>> | undefined;

  constructor(entries?: ReadonlyMap<string, T>) {
    this.values = (entries as Map<string, T> | undefined) ?? new Map();
    this.shared = entries !== undefined;
  }

  private own(): Map<string, T> {
    if (this.shared) {
      this.values = new Map(this.values);
      this.shared = false;
    }
    return this.values;
  }

  private index(): Map<string, Set<string>> {
    if (this.children === undefined) {
      this.children = new Map();
      for (const rel of this.values.keys()) this.link(rel);
    }
    return this.children;
  }

  private link(rel: string): void {
    const parent = parentOf(rel);
    let siblings = this.children!.get(parent);
    if (siblings === undefined) {
      siblings = new Set();
      this.children!.set(parent, siblings);
    }
    siblings.add(rel);
  }

  get size(): number {
    return this.values.size;
  }

  get(rel: string): T | undefined {
    return this.values.get(rel);
  }

  has(rel: string): boolean {
    return this.values.has(rel);
  }

  set(rel: string, value: T): void {
    if (this.children !== undefined && !this.values.has(rel)) this.link(rel);
    this.own().set(rel, value);
  }

  delete(rel: string): void {
    if (!this.values.has(rel)) return;
    this.own().delete(rel);
    this.children?.get(parentOf(rel))?.delete(rel);
  }

  /** `rel` and everything below it, parents before children. */
  subtree(rel: string): string[] {
    const out: string[] = [];
    const pending = [rel];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (this.values.has(next)) out.push(next);
      const kids = this.index().get(next);
      if (kids) for (const kid of kids) pending.push(kid);
    }
    return out;
  }

  /** Moves `from` and its subtree to `to` (which must be free); returns the moved [old, new] paths. */
  moveSubtree(from: string, to: string): Array<[string, string]> {
    const moved: Array<[string, string]> = [];
    const taken: Array<[string, T]> = [];
    for (const rel of this.subtree(from)) {
      taken.push([rel, this.values.get(rel)!]);
      moved.push([rel, to + rel.slice(from.length)]);
    }
    for (const [rel] of taken) this.delete(rel);
    for (let i = 0; i < taken.length; i += 1) this.set(moved[i]![1], taken[i]![1]);
    return moved;
  }

  entries(): IterableIterator<[string, T]> {
    return this.values.entries();
  }

  keys(): IterableIterator<string> {
    return this.values.keys();
  }
}
