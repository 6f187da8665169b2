/**
 * Callbacks hook into `fit`: after each batch and each epoch. Returning "stop" from
 * onEpochEnd ends training early. Ready-made: EarlyStopping, LRSchedulerStep, CheckpointEvery.
 */
import type { EpochRecord } from "./history.js";
import { ValueError } from "../errors.js";

export interface Callback {
  onTrainBegin?(): void | Promise<void>;
  onBatchEnd?(step: number, loss: number): void;
  onEpochEnd?(record: EpochRecord): void | "stop" | Promise<void | "stop">;
  onTrainEnd?(history: readonly EpochRecord[]): void | Promise<void>;
}

type Monitor = "valLoss" | "valAccuracy" | "trainLoss" | "trainAccuracy";

/** Stops when `monitor` has not improved by `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  private best: number;
  private wait = 0;
  /** Epoch at which training stopped, if it did. */
  stoppedEpoch: number | null = null;

  constructor(
    readonly monitor: Monitor = "valLoss",
    readonly patience = 3,
    readonly minDelta = 0,
    readonly mode: "min" | "max" = monitor.endsWith("Loss") ? "min" : "max",
  ) {
    this.best = mode === "min" ? Infinity : -Infinity;
  }

  onEpochEnd(r: EpochRecord): "stop" | void {
    const v = r[this.monitor];
    if (v === undefined) throw new ValueError(`EarlyStopping: "${this.monitor}" is not recorded (is there a validation set?)`);
    const improved = this.mode === "min" ? v < this.best - this.minDelta : v > this.best + this.minDelta;
    if (improved) {
      this.best = v;
      this.wait = 0;
      return;
    }
    if (++this.wait >= this.patience) {
      this.stoppedEpoch = r.epoch;
      return "stop";
    }
  }
}

/** Steps an LR scheduler once per epoch (plateau schedulers get the monitored value). */
export class LRSchedulerStep implements Callback {
  constructor(
    private readonly scheduler: { step(metric?: number): void },
    private readonly monitor?: Monitor,
  ) {}

  onEpochEnd(r: EpochRecord): void {
    this.scheduler.step(this.monitor ? r[this.monitor] : undefined);
  }
}

/** Calls `save(record)` after every epoch (the CLI passes a function writing checkpoint files). */
export class CheckpointEvery implements Callback {
  constructor(private readonly save: (record: EpochRecord) => Promise<void> | void) {}

  async onEpochEnd(r: EpochRecord): Promise<void> {
    await this.save(r);
  }
}
