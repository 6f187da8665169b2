/**
 * ReduceLROnPlateau: multiply the lr by `factor` when a monitored metric (validation loss,
 * accuracy) has not improved for `patience` epochs (PyTorch 1.13 `ReduceLROnPlateau`).
 */
import { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../errors.js";
import { checkStateValue, type SchedulableOptimizer, type Scheduler, type SchedulerStateDict } from "./lr-scheduler.js";
import { checkAtLeast, checkInteger, checkInRange, checkOptionKeys } from "./validate.js";

/** Options of {@link ReduceLROnPlateau} (PyTorch's arguments and defaults). */
export interface ReduceLROnPlateauOptions {
  /** "min": the metric should decrease (a loss); "max": increase (an accuracy). Default "min". */
  mode?: "min" | "max";
  /** new lr = lr · factor, in [0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  threshold?: number;
  /** "rel": better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. Default "rel". */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound on the lr: one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than eps are skipped (default 1e-8). */
  eps?: number;
}

/**
 * Call `step(metric)` once per epoch. An epoch is bad when the metric is not better than the
 * best so far by the threshold; when more than `patience` bad epochs accumulate, every
 * group's lr becomes max(lr · factor, minLr) (unless that changes it by less than eps), and
 * the next `cooldown` epochs are not counted.
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { patience: 3 });
 * for (...) { train(); sched.step(validationLoss); }
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLrs: number[];
  eps: number;
  /** Best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptionKeys("ReduceLROnPlateau", options, ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"]);
    const { mode = "min", factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = "rel", cooldown = 0, minLr = 0, eps = 1e-8 } = options;
    const name = "ReduceLROnPlateau";
    if (!optimizer || !Array.isArray(optimizer.paramGroups)) throw new ValueError(`${name}: expected an optimizer (an object with paramGroups)`);
    if (mode !== "min" && mode !== "max") throw new ValueError(`${name}: mode should be "min" or "max", got ${JSON.stringify(mode)}`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") throw new ValueError(`${name}: thresholdMode should be "rel" or "abs", got ${JSON.stringify(thresholdMode)}`);
    checkInRange(name, "factor", factor, 0, 1);
    checkInteger(name, "patience", patience, 0);
    checkAtLeast(name, "threshold", threshold, 0);
    checkInteger(name, "cooldown", cooldown, 0);
    checkAtLeast(name, "eps", eps, 0);
    const groups = optimizer.paramGroups.length;
    const minLrs = Array.isArray(minLr) ? [...(minLr as number[])] : new Array<number>(groups).fill(minLr as number);
    if (minLrs.length !== groups) throw new ValueError(`${name}: expected ${groups} minLr values (one per parameter group), got ${minLrs.length}`);
    for (const m of minLrs) checkAtLeast(name, "minLr", m, 0);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = minLrs;
    this.eps = eps;
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The starting "best": the worst value for the mode. */
  private get modeWorse(): number {
    return this.mode === "min" ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const t = this.threshold;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === "rel" ? a > best * (1 + t) : a > best + t;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr if due. */
  step(metric?: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== "number") throw new ValueError(`ReduceLROnPlateau.step: expected the monitored metric (a number), got ${String(metric)}`);
    this.lastEpoch++;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.inCooldown) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const next = Math.max(group.lr * this.factor, this.minLrs[i]);
        if (group.lr - next > this.eps) group.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return {
      mode: this.mode, factor: this.factor, patience: this.patience, threshold: this.threshold, threshold_mode: this.thresholdMode,
      cooldown: this.cooldown, min_lrs: [...this.minLrs], eps: this.eps, best: this.best,
      num_bad_epochs: this.numBadEpochs, cooldown_counter: this.cooldownCounter, last_epoch: this.lastEpoch, _last_lr: this.getLastLr(),
    };
  }

  /**
   * Restores a state dict from `stateDict()` (the optimizer's own state dict holds the lrs).
   * `best` is ±Infinity before the first step: store state dicts with `packState` (io), which
   * keeps non-finite numbers, rather than plain JSON.
   */
  loadStateDict(state: SchedulerStateDict): void {
    const current = this.stateDict();
    for (const key of Object.keys(current)) {
      if (!(key in state)) throw new ValueError(`ReduceLROnPlateau.loadStateDict: missing "${key}"`);
      checkStateValue("ReduceLROnPlateau", key, current[key], state[key]);
    }
    const s = state as Record<string, never>;
    if (s.mode !== "min" && s.mode !== "max") throw new ValueError(`ReduceLROnPlateau.loadStateDict: mode should be "min" or "max", got ${JSON.stringify(s.mode)}`);
    if (s.threshold_mode !== "rel" && s.threshold_mode !== "abs") throw new ValueError(`ReduceLROnPlateau.loadStateDict: threshold_mode should be "rel" or "abs", got ${JSON.stringify(s.threshold_mode)}`);
    const groups = this.optimizer.paramGroups.length;
    if ((s.min_lrs as number[]).length !== groups) throw new ValueError(`ReduceLROnPlateau.loadStateDict: "min_lrs" has ${(s.min_lrs as number[]).length} values, the optimizer has ${groups} parameter groups`);
    Object.assign(this, {
      mode: s.mode, factor: s.factor, patience: s.patience, threshold: s.threshold, thresholdMode: s.threshold_mode, cooldown: s.cooldown,
      minLrs: [...(s.min_lrs as number[])], eps: s.eps, best: s.best, numBadEpochs: s.num_bad_epochs, cooldownCounter: s.cooldown_counter,
      lastEpoch: s.last_epoch, lastLr: [...(s._last_lr as number[])],
    });
  }

  toString(): string {
    return `ReduceLROnPlateau(mode=${this.mode}, factor=${this.factor}, patience=${this.patience}, threshold=${this.threshold}, thresholdMode=${this.thresholdMode}, cooldown=${this.cooldown}, best=${this.best}, numBadEpochs=${this.numBadEpochs})`;
  }
}
