/** LambdaLR: the lr is the initial lr times a function of the epoch (PyTorch 1.13 `LambdaLR`). */
import { checkOptionKeys } from "./validate.js";
import { LRScheduler, type SchedulableOptimizer } from "./lr-scheduler.js";
import { ValueError } from "../errors.js";

/** A multiplicative factor as a function of the epoch index. */
export type LrLambda = (epoch: number) => number;

/** Optional arguments of {@link LambdaLR}. */
export interface LambdaLROptions {
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * lr at epoch e = initialLr · lrLambda(e) — one function for all groups, or one per group.
 * The functions are not part of the state dict (as in PyTorch).
 *
 * @example const warmup = new LambdaLR(opt, (e) => Math.min(1, (e + 1) / 5));
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, lrLambda: LrLambda | readonly LrLambda[], options: LambdaLROptions = {}) {
    checkOptionKeys("LambdaLR", options, ["lastEpoch"]);
    const { lastEpoch = -1 } = options;
    const groups = optimizer?.paramGroups?.length ?? 0;
    const fns = Array.isArray(lrLambda) ? [...(lrLambda as LrLambda[])] : new Array<LrLambda>(groups).fill(lrLambda as LrLambda);
    if (fns.length !== groups) throw new ValueError(`LambdaLR: expected ${groups} lr lambdas (one per parameter group), got ${fns.length}`);
    if (!fns.every((f) => typeof f === "function")) throw new ValueError("LambdaLR: lrLambda should be a function of the epoch or a list of them");
    super(optimizer, lastEpoch);
    this.lrLambdas = fns;
    this.initialStep();
  }

  protected chainableLr(): number[] {
    return this.closedFormLr();
  }

  protected closedFormLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this.lrLambdas[i](this.lastEpoch));
  }

  protected stateKeys(): Record<string, string> {
    return {};
  }
}
