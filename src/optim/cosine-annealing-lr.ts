/** CosineAnnealingLR: cosine decay from the initial lr to etaMin over tMax epochs (PyTorch 1.13). */
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { checkAtLeast, checkInteger, checkOptionKeys } from "./validate.js";

/** Optional arguments of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Minimum lr (default 0). */
  etaMin?: number;
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = etaMin + (initialLr − etaMin) · (1 + cos(π·e / tMax)) / 2.
 * Past tMax the cosine continues (back up to the initial lr at 2·tMax, and so on), as in
 * PyTorch; the SGDR restarts are not part of this schedule.
 *
 * @example const sched = new CosineAnnealingLR(opt, epochs);
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: SchedulableOptimizer, tMax: number, options: CosineAnnealingLROptions = {}) {
    checkOptionKeys("CosineAnnealingLR", options, ["etaMin", "lastEpoch"]);
    const { etaMin = 0, lastEpoch = -1 } = options;
    checkInteger("CosineAnnealingLR", "tMax", tMax, 1);
    checkAtLeast("CosineAnnealingLR", "etaMin", etaMin, 0);
    super(optimizer, lastEpoch);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    if (e === 0) return this.groupLrs;
    if (this.stepCount === 1 && e > 0) return this.closedFormLr(); // resumed mid-schedule
    if ((e - 1 - tMax) % (2 * tMax) === 0) {
      // The ratio below is 0/0 at the bottom of the cosine; step by the closed form's increment.
      return this.groupLrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax));
    return this.groupLrs.map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected closedFormLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    return this.baseLrs.map((lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * e) / tMax))) / 2);
  }

  protected stateKeys(): Record<string, string> {
    return { tMax: "T_max", etaMin: "eta_min" };
  }
}
