/**
 * Module: the base class of layers and models. A module finds its parameters and submodules
 * by walking its own fields in declaration order (a field `runningMean` is the state-dict key
 * `running_mean`, so keys match PyTorch's); buffers (running statistics) are registered
 * explicitly because they are plain tensors.
 */
import { Tensor } from "../tensor/tensor.js";
import { Parameter } from "./parameter.js";
import { noGrad } from "../autograd/engine.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { shapesEqual } from "../tensor/shape.js";
import { isFloat } from "../tensor/dtype.js";

/** Parameters and buffers by PyTorch-style dotted key (`features.0.weight`). */
export type StateDict = Record<string, Tensor>;

/** What `loadStateDict` found. */
export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Any module, whatever its forward signature. */
export type AnyModule = Module<unknown[], unknown>;

/** camelCase field name → snake_case key (`runningMean` → `running_mean`). */
export function stateKey(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active, batch statistics) vs evaluation mode. */
  training = true;
  private readonly buffersByKey = new Map<string, Tensor>();

  /** The computation. Call it directly: `model.forward(x)`. */
  abstract forward(...inputs: In): Out;

  /** Extra text inside this module's parentheses in `toString()` (like PyTorch's extra_repr). */
  protected extraRepr(): string {
    return "";
  }

  /** The class name shown by `toString()`. */
  protected get typeName(): string {
    return this.constructor.name;
  }

  /**
   * Registers a non-learnable tensor (e.g. running statistics) under a state-dict key.
   * Returns it, so a layer can write `readonly runningMean = this.registerBuffer("running_mean", …)`.
   */
  protected registerBuffer<T extends Tensor | null>(key: string, t: T): T {
    if (t) this.buffersByKey.set(key, t);
    return t;
  }

  /** Direct submodules with their names. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [field, v] of Object.entries(this)) if (v instanceof Module) out.push([stateKey(field), v as AnyModule]);
    return out;
  }

  /** Parameters owned directly by this module (not its children). */
  protected ownParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    for (const [field, v] of Object.entries(this)) if (v instanceof Parameter) out.push([stateKey(field), v]);
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, AnyModule][] {
    const out: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name, each shared parameter once. */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.buffersByKey) out.push([prefix ? `${prefix}.${name}` : name, b]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Total number of parameter elements (learnable or not). */
  countParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (same as `train(false)`). */
  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every descendant, then on this module (PyTorch order). */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Parameters and buffers by dotted key, in registration order (tensors are shared, not copied). */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, p] of m.ownParameters()) sd[key(name)] = p;
      for (const [name, b] of m.buffersByKey) sd[key(name)] = b;
    }
    return sd;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers. Strict mode
   * (default) throws on missing or unexpected keys; a shape mismatch always throws.
   */
  loadStateDict(sd: StateDict, options: { strict?: boolean } = {}): LoadResult {
    const strict = options.strict ?? true;
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !(k in sd));
    const unexpectedKeys = Object.keys(sd).filter((k) => !(k in own));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      const parts: string[] = [];
      if (missingKeys.length) parts.push(`missing keys: ${missingKeys.join(", ")}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
      throw new ValueError(`loadStateDict: ${parts.join("; ")}`);
    }
    const mismatched = Object.keys(own)
      .filter((k) => k in sd && !shapesEqual(sd[k].shape, own[k].shape))
      .map((k) => `${k}: checkpoint ${fmtShape(sd[k].shape)} vs model ${fmtShape(own[k].shape)}`);
    if (mismatched.length) throw new ShapeError(`loadStateDict: size mismatch for ${mismatched.join("; ")}`);
    noGrad(() => {
      for (const k of Object.keys(own)) if (k in sd) own[k].copy_(sd[k]);
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Converts floating parameters and buffers of this module and its descendants to `dtype`
   * (like PyTorch's `.double()`/`.float()`). Parameter objects are replaced, so build the
   * optimizer after converting.
   */
  to(dtype: "float32" | "float64"): this {
    for (const m of this.modules()) m.convertOwn(dtype);
    return this;
  }

  double(): this {
    return this.to("float64");
  }

  float(): this {
    return this.to("float32");
  }

  private convertOwn(dtype: "float32" | "float64"): void {
    const replaced = new Map<Tensor, Tensor>();
    for (const [key, b] of this.buffersByKey) {
      if (!isFloat(b.dtype) || b.dtype === dtype) continue;
      const nb = noGrad(() => b.to(dtype));
      replaced.set(b, nb);
      this.buffersByKey.set(key, nb);
    }
    const fields = this as unknown as Record<string, unknown>;
    for (const [field, v] of Object.entries(this)) {
      if (v instanceof Parameter && isFloat(v.dtype) && v.dtype !== dtype) fields[field] = new Parameter(noGrad(() => v.to(dtype)), v.requiresGrad);
      else if (v instanceof Tensor && replaced.has(v)) fields[field] = replaced.get(v);
    }
  }

  /** A PyTorch-style printout of the module tree. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.typeName}(${this.extraRepr()}`;
    if (!children.length) return `${head})`;
    const lines = children.map(([name, m]) => `  (${name}): ${m.toString().replace(/\n/g, "\n  ")}`);
    return `${head}\n${lines.join("\n")}\n)`;
  }
}
