/** Containers: Sequential, ModuleList, ModuleDict. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';

function asModule(m: unknown, where: string): Module {
  if (!(m instanceof Module)) throw new TypeError(`${where}: ${typeof m} is not a Module subclass`);
  return m;
}

/**
 * An indexed list of modules stored under keys '0', '1', ... (integer-like property keys, which
 * JavaScript enumerates in ascending order, so registration order is index order).
 */
abstract class IndexedModules extends Module {
  /** Number of modules (PyTorch's len()). */
  override get length(): number {
    let n = 0;
    while (Object.prototype.hasOwnProperty.call(this, String(n))) n++;
    return n;
  }

  protected _items(): Module[] {
    const out: Module[] = [];
    for (let i = 0, n = this.length; i < n; i++) out.push((this as unknown as Record<string, Module>)[String(i)]);
    return out;
  }

  protected _index(idx: number): number {
    const n = this.length;
    if (!Number.isInteger(idx) || idx < -n || idx >= n) throw new RangeError(`index ${idx} is out of range`);
    return idx < 0 ? idx + n : idx;
  }

  protected _setItems(items: readonly Module[]): void {
    for (let i = 0, n = this.length; i < n; i++) delete (this as unknown as Record<string, Module>)[String(i)];
    items.forEach((m, i) => this.add_module(String(i), m));
  }

  /** The module at idx (negative counts from the end), as `seq[idx]` in PyTorch. */
  at(idx: number): Module {
    return (this as unknown as Record<string, Module>)[String(this._index(idx))];
  }

  append(module: Module): this {
    this.add_module(String(this.length), asModule(module, `${this._get_name()}.append`));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  insert(index: number, module: Module): void {
    const items = this._items();
    const n = items.length;
    const i = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    items.splice(i, 0, asModule(module, `${this._get_name()}.insert`));
    this._setItems(items);
  }

  pop(idx = -1): Module {
    const items = this._items();
    const [m] = items.splice(this._index(idx), 1);
    this._setItems(items);
    return m;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this._items()[Symbol.iterator]();
  }
}

/** Runs its modules in order. `new Sequential(a, b)` or `new Sequential({name: module, ...})`. */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module> | Map<string, Module>]) {
    super();
    const first = modules[0] as unknown;
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      const entries = first instanceof Map ? [...first.entries()] : Object.entries(first as Record<string, Module>);
      this._named = entries.map(([k]) => k);
      for (const [k, m] of entries) this.add_module(k, asModule(m, 'Sequential'));
      return;
    }
    (modules as Module[]).forEach((m, i) => this.add_module(String(i), asModule(m, 'Sequential')));
  }

  /** Keys given by name keep their given order (JS would sort integer-like keys first). */
  private _named: string[] | null = null;

  protected override _childNames(): string[] {
    return this._named ? this._named.filter((k) => (this as unknown as Record<string, unknown>)[k] instanceof Module) : super._childNames();
  }

  protected override _items(): Module[] {
    return this._named ? this._childNames().map((k) => (this as unknown as Record<string, Module>)[k]) : super._items();
  }

  override get length(): number {
    return this._named ? this._childNames().length : super.length;
  }

  override at(idx: number): Module {
    return this._named ? this._items()[this._index(idx)] : super.at(idx);
  }

  /** A new Sequential of a slice of the modules, as `seq[start:end]`. */
  slice(start?: number, end?: number): Sequential {
    const items = this._items().slice(start, end);
    if (!this._named) return new Sequential(...items);
    const keys = this._childNames().slice(start, end);
    return new Sequential(new Map(keys.map((k, i) => [k, items[i]])));
  }

  override forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._items()) x = m(x);
    return x as Tensor;
  }
}

/** Holds submodules in a list; they are registered, but it has no forward. */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  slice(start?: number, end?: number): ModuleList {
    return new ModuleList(this._items().slice(start, end));
  }
}

/** Holds submodules by name, in insertion order. */
export class ModuleDict extends Module {
  private _order: string[] = [];

  constructor(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  protected override _childNames(): string[] {
    return this._order.filter((k) => (this as unknown as Record<string, unknown>)[k] instanceof Module);
  }

  get(key: string): Module {
    if (!this._order.includes(key)) throw new RangeError(`ModuleDict has no key '${key}'`);
    return (this as unknown as Record<string, Module>)[key];
  }

  set(key: string, module: Module): void {
    this.add_module(key, asModule(module, 'ModuleDict'));
    if (!this._order.includes(key)) this._order.push(key);
  }

  has(key: string): boolean {
    return this._order.includes(key);
  }

  pop(key: string): Module {
    const m = this.get(key);
    this._order = this._order.filter((k) => k !== key);
    delete (this as unknown as Record<string, Module>)[key];
    return m;
  }

  keys(): string[] {
    return this._childNames();
  }

  values(): Module[] {
    return this.keys().map((k) => (this as unknown as Record<string, Module>)[k]);
  }

  items(): [string, Module][] {
    return this.keys().map((k) => [k, (this as unknown as Record<string, Module>)[k]]);
  }

  override get length(): number {
    return this._childNames().length;
  }

  update(modules: Record<string, Module> | Map<string, Module> | Iterable<[string, Module]>): void {
    const entries = modules instanceof Map || Symbol.iterator in Object(modules) ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  clear(): void {
    for (const k of this._order) delete (this as unknown as Record<string, Module>)[k];
    this._order = [];
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}
