/** ExponentialLR: multiply the lr by gamma every epoch (PyTorch 1.13 `ExponentialLR`). */
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { checkAtLeast, checkOptionKeys } from "./validate.js";

/** Optional arguments of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = initialLr · gammaᵉ.
 *
 * @example const sched = new ExponentialLR(opt, 0.95);
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, gamma: number, options: ExponentialLROptions = {}) {
    checkOptionKeys("ExponentialLR", options, ["lastEpoch"]);
    const { lastEpoch = -1 } = options;
    checkAtLeast("ExponentialLR", "gamma", gamma, 0);
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    return this.lastEpoch === 0 ? this.groupLrs : this.groupLrs.map((lr) => lr * this.gamma);
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }

  protected stateKeys(): Record<string, string> {
    return { gamma: "gamma" };
  }
}
