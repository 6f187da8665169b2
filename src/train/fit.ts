/**
 * The training loop: `fit(model, options)` runs epochs of mini-batch gradient descent with
 * progress output, validation, callbacks and a returned history; `evaluate` measures loss and
 * accuracy. A plain `for` loop over a DataLoader does the same in five lines — fit only adds
 * the bookkeeping.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { noGrad } from "../autograd/engine.js";
import { MyelinError } from "../errors.js";
import { ConfusionMatrix, predictions, topKCorrect } from "./metrics.js";
import { ProgressBar, formatDuration, type ProgressSink } from "./progress.js";
import type { Callback } from "./callbacks.js";
import type { EpochRecord, History } from "./history.js";

/** Batches of (inputs, integer labels); a DataLoader is one. */
export interface BatchSource {
  [Symbol.iterator](): Iterator<readonly [Tensor, Tensor]>;
  /** Number of batches, for progress and ETA. */
  readonly length?: number;
}

/** What fit needs from an optimizer. */
export interface StepOptimizer {
  step(): void;
  zeroGrad(): void;
  readonly paramGroups?: readonly { lr: number }[];
}

export type LossFn = ((output: Tensor, target: Tensor) => Tensor) | Module<[Tensor, Tensor], Tensor>;

export interface FitOptions {
  train: BatchSource;
  validation?: BatchSource;
  loss: LossFn;
  optimizer: StepOptimizer;
  epochs: number;
  /** Epoch to start from (for resumed runs; default 1). */
  initialEpoch?: number;
  callbacks?: Callback[];
  /** Where progress goes (default: nowhere). */
  progress?: ProgressSink;
  /** Called on each batch's gradients before the step (e.g. clipping). */
  beforeStep?: () => void;
}

/** Thrown when the loss stops being a finite number. */
export class TrainingDivergedError extends MyelinError {
  override name = "TrainingDivergedError";
}

function lossOf(fn: LossFn, out: Tensor, y: Tensor): Tensor {
  return typeof fn === "function" ? fn(out, y) : fn.forward(out, y);
}

const now = () => performance.now() / 1000;
/** Lets the event loop run (progress output, a browser page) between chunks of work. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Loss, accuracy and confusion matrix of a model over a data source (eval mode, no graph). */
export interface Evaluation {
  loss: number;
  accuracy: number;
  correct: number;
  total: number;
  confusion: ConfusionMatrix;
  /** Correct in the top 5 (when there are at least 5 classes). */
  top5Correct?: number;
}

export function evaluate(model: Module<[Tensor], Tensor>, data: BatchSource, loss: LossFn): Evaluation {
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let total = 0;
  let correct = 0;
  let top5 = 0;
  let confusion = new ConfusionMatrix(0);
  try {
    noGrad(() => {
      for (const [x, y] of data) {
        const out = model.forward(x);
        const n = x.shape[0];
        if (confusion.numClasses !== out.shape[1]) confusion = new ConfusionMatrix(out.shape[1]);
        lossSum += lossOf(loss, out, y).item() * n;
        confusion.update(predictions(out), y.toTypedArray());
        correct += topKCorrect(out, y, 1);
        if (out.shape[1] >= 5) top5 += topKCorrect(out, y, 5);
        total += n;
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return {
    loss: total ? lossSum / total : NaN,
    accuracy: total ? correct / total : NaN,
    correct,
    total,
    confusion,
    top5Correct: confusion.numClasses >= 5 ? top5 : undefined,
  };
}

/**
 * Trains `model` for `epochs` epochs and returns the per-epoch history.
 *
 * @example
 * const history = await fit(net, { train: loader, loss: nn.F.crossEntropy, optimizer: new optim.SGD(net.parameters(), { lr: 0.1 }), epochs: 3, progress: process.stdout });
 */
export async function fit(model: Module<[Tensor], Tensor>, options: FitOptions): Promise<History> {
  const { train, validation, loss, optimizer, epochs, callbacks = [], progress, initialEpoch = 1 } = options;
  const history: History = [];
  for (const cb of callbacks) await cb.onTrainBegin?.();
  let globalStep = 0;
  for (let epoch = initialEpoch; epoch <= epochs; epoch++) {
    model.train();
    const steps = train.length ?? NaN;
    const bar = progress ? new ProgressBar(progress, `epoch ${epoch}/${epochs}`, steps) : null;
    const start = now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let step = 0;
    for (const [x, y] of train) {
      optimizer.zeroGrad();
      const out = model.forward(x);
      const l = lossOf(loss, out, y);
      const value = l.item();
      step++;
      globalStep++;
      if (!Number.isFinite(value)) {
        throw new TrainingDivergedError(
          `training diverged: loss is ${value} at epoch ${epoch}, step ${step} (global step ${globalStep}); try a lower learning rate, gradient clipping, or check the inputs for NaN`,
        );
      }
      l.backward();
      options.beforeStep?.();
      optimizer.step();
      const n = x.shape[0];
      lossSum += value * n;
      correct += out.ndim === 2 && y.ndim === 1 ? topKCorrect(out.detach(), y, 1) : 0;
      seen += n;
      for (const cb of callbacks) cb.onBatchEnd?.(globalStep, value);
      bar?.update(step, { loss: lossSum / seen, accuracy: correct / seen, imagesPerSecond: seen / (now() - start) }, now() - start);
      if (step % 20 === 0) await yieldToEventLoop();
    }
    const seconds = now() - start;
    const record: EpochRecord = {
      epoch,
      trainLoss: lossSum / seen,
      trainAccuracy: correct / seen,
      lr: optimizer.paramGroups?.[0]?.lr ?? NaN,
      seconds,
      imagesPerSecond: seen / seconds,
    };
    if (validation) {
      const v = evaluate(model, validation, loss);
      record.valLoss = v.loss;
      record.valAccuracy = v.accuracy;
    }
    history.push(record);
    bar?.finish(
      `epoch ${epoch}/${epochs}  loss ${record.trainLoss.toFixed(4)}  acc ${(100 * record.trainAccuracy).toFixed(2)}%` +
        (record.valLoss !== undefined ? `  val_loss ${record.valLoss.toFixed(4)}  val_acc ${(100 * (record.valAccuracy ?? 0)).toFixed(2)}%` : "") +
        `  ${Math.round(record.imagesPerSecond)} img/s  ${formatDuration(seconds)}`,
    );
    let stop = false;
    for (const cb of callbacks) if ((await cb.onEpochEnd?.(record)) === "stop") stop = true;
    if (stop) break;
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history);
  return history;
}
