/** MultiStepLR: multiply the lr by gamma at each milestone epoch (PyTorch 1.13 `MultiStepLR`). */
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { checkAtLeast, checkInteger, checkOptionKeys } from "./validate.js";
import { ValueError } from "../errors.js";

/** Optional arguments of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = initialLr · gamma^(number of milestones ≤ e). A milestone listed twice
 * applies gamma twice, as in PyTorch.
 *
 * @example const sched = new MultiStepLR(opt, [30, 80], { gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** Milestone epochs, sorted. */
  milestones: number[];
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, milestones: readonly number[], options: MultiStepLROptions = {}) {
    checkOptionKeys("MultiStepLR", options, ["gamma", "lastEpoch"]);
    const { gamma = 0.1, lastEpoch = -1 } = options;
    if (!Array.isArray(milestones)) throw new ValueError(`MultiStepLR: milestones should be a list of epochs, got ${String(milestones)}`);
    for (const m of milestones) checkInteger("MultiStepLR", "milestone", m, 0);
    checkAtLeast("MultiStepLR", "gamma", gamma, 0);
    super(optimizer, lastEpoch);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return hits === 0 ? this.groupLrs : this.groupLrs.map((lr) => lr * this.gamma ** hits);
  }

  protected closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }

  protected stateKeys(): Record<string, string> {
    return { milestones: "milestones", gamma: "gamma" };
  }
}
