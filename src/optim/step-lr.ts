/** StepLR: multiply the lr by gamma every `stepSize` epochs (PyTorch 1.13 `StepLR`). */
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { checkAtLeast, checkInteger, checkOptionKeys } from "./validate.js";

/** Optional arguments of {@link StepLR}. */
export interface StepLROptions {
  /** Multiplicative decay factor (default 0.1). */
  gamma?: number;
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = initialLr · gamma^⌊e / stepSize⌋.
 *
 * @example const sched = new StepLR(opt, 30, { gamma: 0.1 }); // lr × 0.1 at epochs 30, 60, …
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, stepSize: number, options: StepLROptions = {}) {
    checkOptionKeys("StepLR", options, ["gamma", "lastEpoch"]);
    const { gamma = 0.1, lastEpoch = -1 } = options;
    checkInteger("StepLR", "stepSize", stepSize, 1);
    checkAtLeast("StepLR", "gamma", gamma, 0);
    super(optimizer, lastEpoch);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    const e = this.lastEpoch;
    return e === 0 || e % this.stepSize !== 0 ? this.groupLrs : this.groupLrs.map((lr) => lr * this.gamma);
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }

  protected stateKeys(): Record<string, string> {
    return { stepSize: "step_size", gamma: "gamma" };
  }
}
