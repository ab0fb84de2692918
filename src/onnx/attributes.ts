/**
 * A node's attributes, read by name with their ONNX defaults. Every attribute a node carries must
 * be one its operator's importer reads: anything else is an Error at create, never ignored.
 */
import { AttributeType, type AttributeProto, type TensorProto } from './proto.js';

export class Attrs {
  private byName = new Map<string, AttributeProto>();

  constructor(list: readonly AttributeProto[], private readonly where: string) {
    for (const a of list) this.byName.set(a.name ?? '', a);
  }

  /** Rejects attributes outside `known`, and references to a function's attributes. */
  only(known: readonly string[]): void {
    for (const [name, a] of this.byName) {
      if (!known.includes(name)) throw new Error(`${this.where}: attribute '${name}' is not supported`);
      if (a.ref_attr_name) throw new Error(`${this.where}: attribute '${name}' refers to a function attribute, which is not supported`);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (a !== undefined && a.type !== type && a.type !== undefined && a.type !== AttributeType.UNDEFINED) {
      throw new Error(`${this.where}: attribute '${name}' must be ${typeName(type)}, but it is ${typeName(a.type)}`);
    }
    return a;
  }

  int(name: string, fallback: number): number {
    const a = this.get(name, AttributeType.INT);
    const v = a?.i ?? fallback;
    if (!Number.isSafeInteger(v)) throw new Error(`${this.where}: attribute '${name}' is ${v}, beyond the integers kindling reads exactly`);
    return v;
  }

  float(name: string, fallback: number): number {
    return this.get(name, AttributeType.FLOAT)?.f ?? fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.INTS);
    return a ? [...(a.ints ?? [])] : undefined;
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, AttributeType.FLOATS);
    return a ? [...(a.floats ?? [])] : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.get(name, AttributeType.STRING);
    return a?.s ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.get(name, AttributeType.TENSOR)?.t;
  }
}

function typeName(t: number | undefined): string {
  const e = Object.entries(AttributeType).find(([, v]) => v === t);
  return e ? e[0] : `type ${String(t)}`;
}
