/** LinearLR: linear warm-up (or decay) of the lr's factor over totalIters epochs (PyTorch 1.13). */
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { checkInRange, checkInteger, checkOptionKeys, invalid } from "./validate.js";

/** Optional arguments of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at epoch 0, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** Factor from epoch totalIters on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the factor changes (default 5). */
  totalIters?: number;
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = initialLr · (startFactor + (endFactor − startFactor) · min(e, totalIters) / totalIters).
 * Combine with SequentialLR for warm-up followed by another schedule.
 *
 * @example const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    checkOptionKeys("LinearLR", options, ["startFactor", "endFactor", "totalIters", "lastEpoch"]);
    const { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch = -1 } = options;
    // startFactor 0 would make the chainable form divide by zero (PyTorch ≥ 2.0 rejects it too).
    if (!(startFactor > 0 && startFactor <= 1)) invalid("LinearLR", `invalid startFactor ${startFactor}: must be in (0, 1]`);
    checkInRange("LinearLR", "endFactor", endFactor, 0, 1, "", true);
    checkInteger("LinearLR", "totalIters", totalIters, 1);
    super(optimizer, lastEpoch);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    if (e === 0) return this.groupLrs.map((lr) => lr * s);
    if (e > n) return this.groupLrs;
    const factor = 1 + (f - s) / (n * s + (e - 1) * (f - s));
    return this.groupLrs.map((lr) => lr * factor);
  }

  protected closedFormLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((lr) => lr * (s + ((f - s) * Math.min(n, e)) / n));
  }

  protected stateKeys(): Record<string, string> {
    return { startFactor: "start_factor", endFactor: "end_factor", totalIters: "total_iters" };
  }
}
