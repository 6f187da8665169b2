/**
 * SequentialLR: runs schedulers one after another, switching at milestone epochs (PyTorch
 * 1.13 `SequentialLR`); the usual use is a linear warm-up followed by cosine annealing.
 */
import { LRScheduler, checkStateValue, type SchedulableOptimizer, type Scheduler, type SchedulerStateDict } from "./lr-scheduler.js";
import { checkInteger, checkOptionKeys } from "./validate.js";
import { ValueError } from "../errors.js";

/** Optional arguments of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** Last epoch index when resuming (default -1: start). */
  lastEpoch?: number;
}

/**
 * Epochs before `milestones[0]` follow `schedulers[0]`; from milestone k on, scheduler k + 1
 * takes over, restarted at its epoch 0 (its closed form from the initial lr). The schedulers
 * must be built on the same optimizer, just before this one.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const cosine = new CosineAnnealingLR(opt, epochs - 5);
 * const sched = new SequentialLR(opt, [warmup, cosine], [5]);
 */
export class SequentialLR implements Scheduler {
  readonly optimizer: SchedulableOptimizer;
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: number[];
  lastEpoch: number;
  private lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], options: SequentialLROptions = {}) {
    checkOptionKeys("SequentialLR", options, ["lastEpoch"]);
    const { lastEpoch = -1 } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new ValueError("SequentialLR: expected a non-empty list of schedulers");
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) throw new ValueError(`SequentialLR: scheduler ${i} is not an epoch LRScheduler (ReduceLROnPlateau and SequentialLR cannot be nested)`);
      if (s.optimizer !== optimizer) throw new ValueError(`SequentialLR: scheduler ${i} belongs to a different optimizer than the one passed in`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(`SequentialLR: expected ${schedulers.length - 1} milestones (one fewer than the ${schedulers.length} schedulers), got ${Array.isArray(milestones) ? milestones.length : String(milestones)}`);
    }
    milestones.forEach((m, i) => {
      checkInteger("SequentialLR", "milestone", m, 1);
      if (i > 0 && m <= milestones[i - 1]) throw new ValueError(`SequentialLR: milestones must increase, got [${milestones.join(", ")}]`);
    });
    checkInteger("SequentialLR", "lastEpoch", lastEpoch, -1);
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Undo the initial steps the schedulers took when they were built, then start the first.
    optimizer.paramGroups.forEach((group, i) => {
      if (group.initialLr === undefined) throw new ValueError(`SequentialLR: parameter group ${i} has no initialLr`);
      group.lr = group.initialLr;
    });
    for (const s of this.schedulers) s.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx] <= this.lastEpoch) idx++;
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.jumpTo(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return {
      _milestones: [...this.milestones], last_epoch: this.lastEpoch, _last_lr: this.getLastLr(),
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  loadStateDict(state: SchedulerStateDict): void {
    const current = this.stateDict();
    for (const key of Object.keys(current)) {
      if (!(key in state)) throw new ValueError(`SequentialLR.loadStateDict: missing "${key}"`);
      checkStateValue("SequentialLR", key, current[key], state[key]);
    }
    const subs = state._schedulers as SchedulerStateDict[];
    if (subs.length !== this.schedulers.length) {
      throw new ValueError(`SequentialLR.loadStateDict: the state dict has ${subs.length} schedulers, this SequentialLR has ${this.schedulers.length}`);
    }
    this.schedulers.forEach((s, i) => s.loadStateDict(subs[i]));
    this.milestones.splice(0, this.milestones.length, ...(state._milestones as number[]));
    this.lastEpoch = state.last_epoch as number;
    this.lastLr = [...(state._last_lr as number[])];
  }

  toString(): string {
    return `SequentialLR(milestones=[${this.milestones.join(", ")}], lastEpoch=${this.lastEpoch}, schedulers=[${this.schedulers.map(String).join(", ")}])`;
  }
}
