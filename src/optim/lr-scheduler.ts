/**
 * LRScheduler: the base class of epoch-based learning-rate schedules, with PyTorch 1.13's
 * semantics. Constructing a scheduler records each group's `initialLr` (the base lr) and
 * performs step 0; call `step()` once per epoch, after that epoch's `optimizer.step()` calls.
 * Each step applies the schedule's chainable form (a factor on the group's current lr), so
 * several schedulers on one optimizer compose as in PyTorch; alone, the lrs equal each
 * schedule's closed form up to rounding. `jumpTo(epoch)` sets the closed form directly.
 */
import { ValueError } from "../errors.js";
import { checkInteger } from "./validate.js";

/** What a scheduler needs from an optimizer: mutable parameter groups with an lr. */
export interface SchedulableOptimizer {
  readonly paramGroups: readonly { lr: number; initialLr?: number }[];
}

/** A value in a scheduler's state dict. */
export type SchedulerStateValue = number | string | readonly number[] | readonly SchedulerStateDict[];
/** A scheduler's state (PyTorch's keys: `last_epoch`, `base_lrs`, `_last_lr`, hyper-parameters…). */
export interface SchedulerStateDict {
  [key: string]: SchedulerStateValue;
}

/** Anything `step()`-able once per epoch with a state dict: every scheduler in optim. */
export interface Scheduler {
  readonly optimizer: SchedulableOptimizer;
  step(metric?: number): void;
  /** The lr of each group after the last step. */
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(state: SchedulerStateDict): void;
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return v.length > 0 && typeof v[0] === "object" ? "a list of state dicts" : "a list of numbers";
  return `a ${typeof v}`;
}

/** Checks a loaded state value has the kind of the current one (number, string, list). */
export function checkStateValue(owner: string, key: string, current: unknown, loaded: unknown): void {
  const ok = Array.isArray(current)
    ? Array.isArray(loaded) && (current.length === 0 || typeof current[0] !== "number" || loaded.every((x) => typeof x === "number"))
    : typeof loaded === typeof current;
  if (!ok) throw new ValueError(`${owner}.loadStateDict: "${key}" should be ${kindOf(current)}, got ${JSON.stringify(loaded)}`);
}

/**
 * Base class of the epoch schedulers (StepLR, CosineAnnealingLR, …): a subclass gives its
 * chainable and closed forms and the hyper-parameters its state dict holds.
 */
export abstract class LRScheduler implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  /** Each group's lr at epoch 0 (its `initialLr`). */
  baseLrs: number[];
  /** Index of the last epoch stepped (0 right after construction). */
  lastEpoch: number;
  /** Number of `step()` calls since the initial step (PyTorch's `_step_count`). */
  protected stepCount = 0;
  private lastLr: number[] = [];

  /**
   * `lastEpoch` = -1 starts a new schedule. Resuming with another value (PyTorch's way)
   * requires every group to have `initialLr`, from a restored optimizer state dict.
   * Subclasses set their fields, then call `initialStep()`.
   */
  protected constructor(optimizer: SchedulableOptimizer, lastEpoch = -1) {
    const name = new.target.name;
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new ValueError(`${name}: expected an optimizer (an object with paramGroups)`);
    checkInteger(name, "lastEpoch", lastEpoch, -1);
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new ValueError(`${name}: parameter group ${i} has no initialLr; resuming with lastEpoch ${lastEpoch} needs the optimizer's restored state dict`);
        }
      });
    }
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The class name, for messages. */
  protected get typeName(): string {
    return this.constructor.name;
  }

  /** The new lr of each group at `lastEpoch`, from the groups' current lrs (PyTorch's `get_lr`). */
  protected abstract chainableLr(): number[];
  /** The lr of each group at `lastEpoch` from `baseLrs` alone (PyTorch's `_get_closed_form_lr`). */
  protected abstract closedFormLr(): number[];
  /** Hyper-parameters saved in the state dict: field name → PyTorch key. */
  protected abstract stateKeys(): Record<string, string>;

  /** Restarts the step count and performs step 0 (what construction does; SequentialLR uses it). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** Advances one epoch and sets each group's lr. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    this.apply(this.chainableLr());
  }

  /** Sets `lastEpoch` and each group's lr from the closed form (PyTorch's `step(epoch)`). */
  jumpTo(epoch: number): void {
    checkInteger(this.typeName, "epoch", epoch, 0);
    this.stepCount++;
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr());
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The groups' current lrs, for chainable forms. */
  protected get groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  private apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]));
    this.lastLr = this.groupLrs;
  }

  /**
   * The schedule's position and hyper-parameters. The current lrs live in the optimizer:
   * save and restore its state dict too.
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    const self = this as unknown as Record<string, SchedulerStateValue>;
    for (const [field, key] of Object.entries(this.stateKeys())) {
      const v = self[field];
      out[key] = Array.isArray(v) ? [...v] : v;
    }
    return { ...out, base_lrs: [...this.baseLrs], last_epoch: this.lastEpoch, _step_count: this.stepCount, _last_lr: this.getLastLr() };
  }

  /** Restores a state dict from `stateDict()`; every key must be present with the right kind. */
  loadStateDict(state: SchedulerStateDict): void {
    const fields: Record<string, string> = { ...this.stateKeys(), baseLrs: "base_lrs", lastEpoch: "last_epoch", stepCount: "_step_count", lastLr: "_last_lr" };
    const self = this as unknown as Record<string, unknown>;
    if (state === null || typeof state !== "object") throw new ValueError(`${this.typeName}.loadStateDict: expected an object from stateDict()`);
    for (const [field, key] of Object.entries(fields)) {
      if (!(key in state)) throw new ValueError(`${this.typeName}.loadStateDict: missing "${key}"`);
      checkStateValue(this.typeName, key, self[field], state[key]);
    }
    const n = this.optimizer.paramGroups.length;
    for (const key of ["base_lrs", "_last_lr"]) {
      const len = (state[key] as number[]).length;
      if (len !== n) throw new ValueError(`${this.typeName}.loadStateDict: "${key}" has ${len} values, the optimizer has ${n} parameter groups`);
    }
    for (const [field, key] of Object.entries(fields)) {
      const v = state[key];
      self[field] = Array.isArray(v) ? [...(v as number[])] : v;
    }
  }

  toString(): string {
    const hyper = Object.keys(this.stateKeys()).map((k) => `${k}=${JSON.stringify((this as unknown as Record<string, unknown>)[k])}`);
    return `${this.typeName}(${[...hyper, `lastEpoch=${this.lastEpoch}`, `lr=[${this.lastLr.join(", ")}]`].join(", ")})`;
  }
}
