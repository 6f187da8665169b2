/**
 * Optimizer: the base class of the update rules, with PyTorch's structure. An optimizer holds
 * parameter groups (tensors plus the hyper-parameters applied to them, mutable so a scheduler
 * can change `lr`) and per-parameter state (momentum buffers, moment estimates, step counts).
 * `step()` updates every parameter that has a gradient in place, without recording a graph;
 * `stateDict()` / `loadStateDict()` save and restore everything a continued run needs, in
 * PyTorch's layout ({state: {index: {...}}, param_groups: [{...hyper-parameters, params: [indices]}]},
 * snake_case keys), so a restored optimizer continues bit for bit.
 *
 * Subclasses declare `static defaultOptions` (every hyper-parameter, `undefined` = required)
 * and implement `validate`, `initState` and the per-parameter `update` loop.
 */
import { Tensor } from "../tensor/tensor.js";
import { allocArray, isFloat } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import { enableGrad, noGrad } from "../autograd/engine.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import { stateKey } from "../nn/module.js";
import { elements, gradElements, type FloatArray } from "./values.js";
import { camelName, checkOptionKeys } from "./validate.js";

/** A hyper-parameter value: a number, a flag, or a tuple such as Adam's betas. */
export type HyperParam = number | boolean | readonly number[];

/** What every optimizer's hyper-parameters include. */
export interface HyperParams {
  lr: number;
}

/** A parameter group: tensors plus the hyper-parameters applied to them (mutable). */
export type ParamGroup<H> = H & {
  /** The tensors this group's hyper-parameters apply to. */
  params: Tensor[];
  /** The lr a scheduler started from (set by the first LRScheduler attached, like PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** A parameter group as given to the constructor: tensors plus overrides of the defaults. */
export type ParamGroupSpec<H> = Partial<H> & { params: Tensor | Iterable<Tensor> };

/** What an optimizer is built from: tensors (one group), or parameter groups. */
export type OptimizerParams<H> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/** Every hyper-parameter with its default; `undefined` marks a required one (SGD's lr). */
export type OptionTemplate<H> = { readonly [K in keyof H]: H[K] | undefined };

/** Per-parameter state: buffers shaped like the parameter, and counters. */
export type ParamState = Record<string, Tensor | number | undefined>;

/** A parameter group in a state dict: hyper-parameters (snake_case) and parameter indices. */
export interface ParamGroupState {
  params: number[];
  [key: string]: HyperParam | null;
}

/** An optimizer's state in PyTorch's layout (tensors are copies). */
export interface OptimizerStateDict {
  /** Per-parameter state by parameter index (indices count through the groups in order). */
  state: Record<number, Record<string, Tensor | number>>;
  param_groups: ParamGroupState[];
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `[${v.map(String).join(", ")}]`;
  if (v === null) return "null";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

function isIterable(v: unknown): v is Iterable<unknown> {
  return v !== null && typeof v === "object" && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** A dense copy of a tensor (state dicts never alias live state). */
function copyTensor(t: Tensor, dtype = t.dtype): Tensor {
  const data = allocArray(dtype, t.size);
  data.set(t.toTypedArray());
  return new Tensor(data, t.shape.slice());
}

/**
 * Base class of the optimizers: parameter groups, per-parameter state, `step`, `zeroGrad`,
 * state dicts and the printout. `H` are the hyper-parameters of a group, `S` a parameter's state.
 */
export abstract class Optimizer<H extends HyperParams = HyperParams, S extends ParamState = ParamState> {
  /** The parameter groups; change `group.lr` (or any hyper-parameter) between steps freely. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state, created at a parameter's first update. */
  readonly state = new Map<Tensor, S>();
  /** This optimizer's defaults: the class defaults merged with the constructor options. */
  readonly defaults: Readonly<Partial<H>>;
  private readonly template: OptionTemplate<H>;

  protected constructor(params: OptimizerParams<H>, options: Partial<H> = {}) {
    const template = (new.target as unknown as { defaultOptions?: OptionTemplate<H> }).defaultOptions;
    if (!template) throw new Error(`${new.target.name}: an Optimizer subclass must declare static defaultOptions`);
    this.template = template;
    if (options === null || typeof options !== "object" || options instanceof Tensor) {
      throw new ValueError(`${this.typeName}: options should be an object such as { lr: 0.01 }, got ${describe(options)}`);
    }
    this.checkKeys(options, "");
    const defaults: Record<string, unknown> = { ...template };
    for (const [k, v] of Object.entries(options)) if (v !== undefined) defaults[k] = v;
    this.checkTypes(defaults, "");
    this.validate(defaults as Partial<H>, "");
    this.defaults = Object.freeze(defaults) as Readonly<Partial<H>>;

    if (params instanceof Tensor) {
      throw new ValueError(`${this.typeName}: params should be an iterable of Tensors or of parameter groups, got a single Tensor; wrap it in an array`);
    }
    if (!isIterable(params)) {
      throw new ValueError(`${this.typeName}: params should be an iterable of Tensors or of parameter groups ({ params, ...options }), got ${describe(params)}`);
    }
    const items: unknown[] = [...params];
    if (items.length === 0) throw new ValueError(`${this.typeName}: got an empty parameter list`);
    const specs = items.every((x) => x instanceof Tensor) ? [{ params: items as Tensor[] }] : items;
    for (const spec of specs) this.addParamGroup(spec as ParamGroupSpec<H>);
  }

  /** The class name, for messages and `toString()`. */
  protected get typeName(): string {
    return this.constructor.name;
  }

  /** Checks the ranges and combinations of hyper-parameters (`where` locates them in messages). */
  protected abstract validate(h: Partial<H>, where: string): void;
  /** The state of a parameter before its first update. */
  protected abstract initState(param: Tensor, group: ParamGroup<H>): S;
  /**
   * Updates one parameter in place: `p` are its elements (writable), `g` its gradient's
   * (read-only), both dense and in the parameter's dtype.
   */
  protected abstract update(param: Tensor, p: FloatArray, g: FloatArray, state: S, group: ParamGroup<H>): void;

  /**
   * Adds a parameter group (fine-tuning: unfreeze layers mid-training). Unset hyper-parameters
   * take this optimizer's defaults. A tensor may belong to one group only.
   */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    const i = this.paramGroups.length;
    const where = ` in parameter group ${i}`;
    if (spec === null || typeof spec !== "object" || spec instanceof Tensor || !("params" in spec)) {
      const hint = spec instanceof Tensor ? " (do not mix Tensors and parameter groups in one list)" : "";
      throw new ValueError(`${this.typeName}: parameter group ${i} should be an object { params, ...options }, got ${describe(spec)}${hint}`);
    }
    const { params, ...overrides } = spec as ParamGroupSpec<H> & Record<string, unknown>;
    this.checkKeys(overrides, where, ["initialLr"]);
    let list: unknown[];
    if (params instanceof Tensor) list = [params];
    else if (isIterable(params)) list = [...params];
    else throw new ValueError(`${this.typeName}: params${where} should be a Tensor or an iterable of Tensors, got ${describe(params)}`);
    list.forEach((p, j) => this.checkParam(p, `parameter ${j}${where}`));
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    const own = new Set<unknown>();
    for (const p of list) {
      if (taken.has(p as Tensor)) throw new ValueError(`${this.typeName}: a parameter of shape ${fmtShape((p as Tensor).shape)} appears in more than one parameter group`);
      if (own.has(p)) throw new ValueError(`${this.typeName}: a parameter of shape ${fmtShape((p as Tensor).shape)} appears twice${where}`);
      own.add(p);
    }
    const group: Record<string, unknown> = { ...this.defaults };
    for (const [k, v] of Object.entries(overrides)) if (v !== undefined) group[k] = v;
    for (const k of Object.keys(this.template)) {
      if (group[k] === undefined) throw new ValueError(`${this.typeName}: ${k} is required (no default) but was not given${where}`);
    }
    this.checkTypes(group, where);
    this.validate(group as Partial<H>, where);
    group.params = list;
    this.paramGroups.push(group as unknown as ParamGroup<H>);
  }

  /**
   * Performs one update of every parameter that has a gradient (others are skipped). With a
   * closure (which re-evaluates the model and returns the loss, like PyTorch's), calls it with
   * grad enabled first and returns its result.
   */
  step(): void;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    this.paramGroups.forEach((group, i) => {
      group.params.forEach((param, j) => {
        if (param.grad === null) return;
        const g = gradElements(param, `${this.typeName}.step: parameter ${j} of group ${i}`);
        let state = this.state.get(param);
        if (!state) {
          state = this.initState(param, group);
          this.state.set(param, state);
        }
        this.update(param, elements(param), g, state, group);
      });
    });
    return loss;
  }

  /**
   * Clears the gradients of every parameter: sets them to null (the default, PyTorch ≥ 2.0;
   * skipped by `step`), or fills them with zeros when `setToNone` is false.
   */
  zeroGrad(setToNone = true): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (setToNone) p.grad = null;
          else p.grad?.zero_();
        }
      }
    });
  }

  /**
   * The state to save: hyper-parameters per group and per-parameter state by index, in
   * PyTorch's layout with snake_case keys. Tensors are copies.
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, Record<string, Tensor | number>> = {};
    let next = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) {
        if (k === "params" || v === undefined) continue;
        out[stateKey(k)] = Array.isArray(v) ? [...(v as number[])] : v;
      }
      out.params = group.params.map((p) => {
        const index = next++;
        const s = this.state.get(p);
        const entry: Record<string, Tensor | number> = {};
        for (const [k, v] of Object.entries(s ?? {})) {
          if (v !== undefined) entry[stateKey(k)] = v instanceof Tensor ? copyTensor(v) : v;
        }
        if (Object.keys(entry).length > 0) state[index] = entry;
        return index;
      });
      return out as ParamGroupState;
    });
    return { state, param_groups: paramGroups };
  }

  /**
   * Restores a state dict from `stateDict()` (or PyTorch's, converted): the groups must match
   * this optimizer's in number and size; the saved hyper-parameters replace the current ones
   * (keys this optimizer does not have, such as PyTorch's `foreach`, are ignored); state tensors
   * must match their parameter's shape and are copied in the parameter's dtype. Nothing changes
   * when an error is thrown.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const who = `${this.typeName}.loadStateDict`;
    const sd = stateDict as unknown as { state?: unknown; param_groups?: unknown };
    if (sd === null || typeof sd !== "object" || !Array.isArray(sd.param_groups) || sd.state === null || typeof sd.state !== "object") {
      throw new ValueError(`${who}: expected an object { state, param_groups } as returned by stateDict()`);
    }
    const saved = sd.param_groups as unknown[];
    if (saved.length !== this.paramGroups.length) {
      throw new ValueError(`${who}: the state dict has ${saved.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    const newHyper = saved.map((g, i) => {
      const where = ` in parameter group ${i}`;
      const group = this.paramGroups[i];
      if (g === null || typeof g !== "object" || !Array.isArray((g as ParamGroupState).params)) {
        throw new ValueError(`${who}: parameter group ${i} should be an object with a params list, got ${describe(g)}`);
      }
      const ids = (g as ParamGroupState).params;
      if (ids.length !== group.params.length) {
        throw new ValueError(`${who}: parameter group ${i} has ${ids.length} parameters in the state dict, ${group.params.length} in this optimizer`);
      }
      ids.forEach((id, j) => {
        if (!Number.isInteger(id) || byIndex.has(id)) throw new ValueError(`${who}: parameter index ${describe(id)}${where} is not a unique integer`);
        byIndex.set(id, group.params[j]);
      });
      const hyper: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) {
        const f = camelName(k);
        if (k === "params" || !(Object.hasOwn(this.template, f) || f === "initialLr")) continue;
        hyper[f] = Array.isArray(v) ? [...(v as number[])] : v;
      }
      const merged: Record<string, unknown> = { ...(group as object), ...hyper };
      this.checkTypes(merged, where);
      this.validate(merged as Partial<H>, where);
      if (merged.initialLr !== undefined && typeof merged.initialLr !== "number") {
        throw new ValueError(`${who}: initial_lr${where} should be a number, got ${describe(merged.initialLr)}`);
      }
      return hyper;
    });
    const newState = new Map<Tensor, S>();
    for (const [id, entry] of Object.entries(sd.state as Record<string, unknown>)) {
      const param = byIndex.get(Number(id));
      if (!param) throw new ValueError(`${who}: state for parameter index ${id}, which no parameter group lists`);
      if (entry === null || typeof entry !== "object") throw new ValueError(`${who}: state of parameter ${id} should be an object, got ${describe(entry)}`);
      const s: Record<string, Tensor | number> = {};
      for (const [k, v] of Object.entries(entry)) {
        if (v === null || v === undefined) continue;
        if (k === "step" && v instanceof Tensor && v.size === 1) s.step = v.item(); // PyTorch keeps step as a tensor
        else if (typeof v === "number") s[camelName(k)] = v;
        else if (v instanceof Tensor) {
          if (!shapesEqual(v.shape, param.shape)) {
            throw new ShapeError(`${who}: state "${k}" of parameter ${id} has shape ${fmtShape(v.shape)}, the parameter has shape ${fmtShape(param.shape)}`);
          }
          s[camelName(k)] = copyTensor(v, param.dtype);
        } else throw new ValueError(`${who}: state "${k}" of parameter ${id} should be a Tensor or a number, got ${describe(v)}`);
      }
      newState.set(param, s as S);
    }
    this.paramGroups.forEach((group, i) => Object.assign(group, newHyper[i]));
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  /** PyTorch's printout: each group's hyper-parameters, sorted, and its parameter count. */
  toString(): string {
    const lines = [`${this.typeName} (`];
    this.paramGroups.forEach((group, i) => {
      const n = group.params.reduce((acc, p) => acc + p.size, 0);
      const k = group.params.length;
      lines.push(`Parameter Group ${i}`, `    params: ${k} tensor${k === 1 ? "" : "s"}, ${n} element${n === 1 ? "" : "s"}`);
      const entries = Object.entries(group).filter(([key]) => key !== "params").sort(([a], [b]) => (a < b ? -1 : 1));
      for (const [key, v] of entries) lines.push(`    ${key}: ${describe(v)}`);
    });
    lines.push(")");
    return lines.join("\n");
  }

  /** Node's console.log uses this. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private checkKeys(options: object, where: string, extra: readonly string[] = []): void {
    checkOptionKeys(this.typeName, options, [...Object.keys(this.template), ...extra], where);
  }

  /** Each hyper-parameter has the kind of its default (number, boolean, or a tuple of numbers). */
  private checkTypes(h: Record<string, unknown>, where: string): void {
    for (const [k, def] of Object.entries(this.template) as [string, unknown][]) {
      const v = h[k];
      if (v === undefined) continue;
      const ok = Array.isArray(def)
        ? Array.isArray(v) && v.length === def.length && v.every((x) => typeof x === "number")
        : typeof v === (def === undefined ? "number" : typeof def);
      if (!ok) {
        const want = Array.isArray(def) ? `a list of ${def.length} numbers` : `a ${def === undefined ? "number" : typeof def}`;
        throw new ValueError(`${this.typeName}: ${k}${where} should be ${want}, got ${describe(v)}`);
      }
    }
  }

  private checkParam(p: unknown, what: string): void {
    if (!(p instanceof Tensor)) throw new ValueError(`${this.typeName}: ${what} should be a Tensor, got ${describe(p)}`);
    if (!isFloat(p.dtype)) throw new DTypeError(`${this.typeName}: can only optimize floating-point tensors, ${what} is ${p.dtype} of shape ${fmtShape(p.shape)}`);
    if (!p.isLeaf) throw new ValueError(`${this.typeName}: can't optimize a non-leaf tensor (${what}, shape ${fmtShape(p.shape)}, computed by ${p.gradFn?.name}); optimize the leaves it was computed from`);
    if (!p.isContiguous()) {
      throw new ValueError(`${this.typeName}: ${what} is a non-contiguous view (shape ${fmtShape(p.shape)}, strides ${fmtShape(p.strides)}); optimize a contiguous tensor such as a Parameter`);
    }
  }
}
