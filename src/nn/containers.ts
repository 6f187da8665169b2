/** Containers: Sequential, ModuleList, ModuleDict, and the two branching blocks of the course. */
import type { Tensor } from "../tensor/tensor.js";
import { Module, type AnyModule } from "./module.js";
import { add } from "../ops/elementwise.js";
import { cat } from "../ops/movement.js";

/** A module mapping one tensor to one tensor. */
export type Layer = Module<[Tensor], Tensor>;

/** One step computing a layer and the `absorbs` layers after it. */
export interface FusedStep {
  readonly forward: (x: Tensor) => Tensor;
  readonly absorbs: number;
}

/**
 * A layer that can compute itself and layers after it in one step — a convolution with the ReLU
 * and the max pooling after it — with exactly the values and gradients of running them one after
 * the other. `fuseNext` gets the layers that follow it and returns that step, or null.
 */
export interface FusesNext {
  fuseNext(following: readonly Layer[]): FusedStep | null;
}

const fusesNext = (layer: Layer): layer is Layer & FusesNext => typeof (layer as Partial<FusesNext>).fuseNext === "function";

/**
 * Runs layers in order; children are named "0", "1", … as in PyTorch. A layer that can fuse with
 * the ones after it (a convolution followed by `ReLU`, and by `MaxPool2d`; see `FusesNext`) runs
 * them as one kernel: same results, fewer passes over the activations.
 *
 * @example const mlp = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
 */
export class Sequential extends Module {
  readonly layers: Layer[];

  constructor(...layers: Layer[]) {
    super();
    this.layers = layers;
  }

  override namedChildren(): [string, AnyModule][] {
    return this.layers.map((m, i) => [String(i), m as unknown as AnyModule]);
  }

  /** The i-th layer (negative counts from the end). */
  at(i: number): Layer {
    return this.layers.at(i) as Layer;
  }

  get length(): number {
    return this.layers.length;
  }

  forward(x: Tensor): Tensor {
    const layers = this.layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const fused = fusesNext(layer) ? layer.fuseNext(layers.slice(i + 1, i + 3)) : null;
      if (fused) x = fused.forward(x), i += fused.absorbs;
      else x = layer.forward(x);
    }
    return x;
  }
}

/** A list of modules whose parameters are registered ("0", "1", …); it has no forward. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  readonly items: M[];

  constructor(modules: M[] = []) {
    super();
    this.items = modules;
  }

  override namedChildren(): [string, AnyModule][] {
    return this.items.map((m, i) => [String(i), m]);
  }

  push(m: M): this {
    this.items.push(m);
    return this;
  }

  at(i: number): M {
    return this.items.at(i) as M;
  }

  get length(): number {
    return this.items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleList has no forward; iterate over its modules");
  }
}

/** Named modules whose parameters are registered under their names; it has no forward. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  readonly entries: Map<string, M>;

  constructor(modules: Record<string, M> = {}) {
    super();
    this.entries = new Map(Object.entries(modules));
  }

  override namedChildren(): [string, AnyModule][] {
    return [...this.entries];
  }

  get(name: string): M | undefined {
    return this.entries.get(name);
  }

  set(name: string, m: M): this {
    this.entries.set(name, m);
    return this;
  }

  forward(): never {
    throw new Error("ModuleDict has no forward; look modules up by name");
  }
}

/**
 * y = main(x) + shortcut(x): the course's "addition of two groups of neurons" (ResNet). The
 * shortcut is the identity when omitted, or e.g. a 1×1 convolution (projection).
 */
export class Residual extends Module {
  readonly main: Layer;
  readonly shortcut: Layer | null;

  constructor(main: Layer, shortcut: Layer | null = null) {
    super();
    this.main = main;
    this.shortcut = shortcut;
  }

  forward(x: Tensor): Tensor {
    return add(this.main.forward(x), this.shortcut ? this.shortcut.forward(x) : x);
  }
}

/** Runs branches on the same input and concatenates their outputs along `dim` (Inception). */
export class Concat extends Module {
  readonly branches: ModuleList<Layer & AnyModule>;
  readonly dim: number;

  constructor(branches: Layer[], dim = 1) {
    super();
    this.branches = new ModuleList(branches as (Layer & AnyModule)[]);
    this.dim = dim;
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }

  override namedChildren(): [string, AnyModule][] {
    return this.branches.namedChildren();
  }

  forward(x: Tensor): Tensor {
    return cat(this.branches.items.map((b) => b.forward(x)), this.dim);
  }
}
