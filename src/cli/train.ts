/**
 * `myelin train`: the main job. With no arguments it trains the course's LeNet-5 on the
 * bundled MNIST digits and prints progress and a summary (test accuracy with its 95% interval).
 */
import { join } from "node:path";
import { parseArgs, numberFlag, stringFlag, checkFlags } from "./args.js";
import { datasetNames, loadDataset, type DatasetName } from "./datasets.js";
import { createOptimizer, defaultLr, optimizerNames, type OptimizerName } from "./optimizers.js";
import { ExponentialLR } from "../optim/exponential-lr.js";

/** Learning-rate decay per epoch unless --lr-decay says otherwise. */
const DEFAULT_LR_DECAY = 0.5;
import { loadModelCheckpoint, loadTrainingState, saveCheckpoint, type RunConfig } from "./checkpoint.js";
import { createModel, modelNames } from "../models/index.js";
import { DataLoader } from "../data/dataloader.js";
import { Subset } from "../data/subset.js";
import type { ImageClassificationDataset } from "../data/image-classification-dataset.js";
import type { Dataset } from "../data/dataset.js";
import { Generator, defaultGenerator, manualSeed } from "../tensor/random.js";
import { channelStats } from "../data/channel-stats.js";
import { normalizedBatches } from "./normalized-batches.js";
import { crossEntropy } from "../nn/functional/loss.js";
import { fit, evaluate } from "../train/fit.js";
import { formatDuration } from "../train/progress.js";
import type { History } from "../train/history.js";
import { errorRateInterval } from "../stats/estimators.js";
import { writeFileAtomic } from "../io/node/files.js";
import { applyThreadsFlag } from "./threads.js";
import { ValueError } from "../errors.js";

export const trainUsage = `usage: myelin train [options]
  --model ${modelNames.join("|")}          (default lenet5)
  --dataset ${datasetNames.join("|")}   (default mnist: the bundled digits)
  --data-dir DIR        where fashion-mnist / cifar10 files are
  --epochs N            (default 3)
  --batch-size N        (default 64)
  --optimizer ${optimizerNames.join("|")} (default sgd, momentum 0.9)
  --lr X                (default 0.03 for sgd, 0.001 for adam)
  --lr-decay G          multiply the learning rate by G after every epoch (default ${DEFAULT_LR_DECAY}; 1 = constant)
  --seed N              (default 0)
  --train-size N        use only the first N training images
  --test-size N         use only the first N test images
  --validate            also evaluate the test split after every epoch (in the log and history)
  --out DIR             write checkpoints, history and metrics to DIR every epoch
  --resume DIR          continue the run checkpointed in DIR with its settings (bit-exact)
  --threads N           threads of the wasm backend (default: MYELIN_NUM_THREADS, else the cores; results do not depend on it)`;

function limit<T>(ds: Dataset<T>, n: number | undefined): Dataset<T> {
  return n === undefined || n >= ds.length ? ds : new Subset(ds, Array.from({ length: n }, (_, i) => i));
}

export async function trainCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help")) {
    console.log(trainUsage);
    return 0;
  }
  const args = parseArgs(argv, ["validate"]);
  if (args.positional.length) throw new ValueError(`unexpected argument "${args.positional[0]}"\n${trainUsage}`);
  checkFlags(args, ["model", "dataset", "data-dir", "epochs", "batch-size", "optimizer", "lr", "lr-decay", "seed", "train-size", "test-size", "validate", "out", "resume", "threads"], trainUsage);
  const resumeDir = args.flags.get("resume") as string | undefined;
  // A resumed run keeps the settings of its checkpoint: they are the defaults here, and flags
  // that would change the training (and so break the bit-exact continuation) are refused below.
  const saved = resumeDir ? await loadModelCheckpoint(resumeDir) : undefined;
  const prev = saved?.config;
  const modelName = stringFlag(args, "model", prev?.model ?? "lenet5", modelNames);
  const datasetName = stringFlag<DatasetName>(args, "dataset", (prev?.dataset as DatasetName | undefined) ?? "mnist", datasetNames);
  const dataDir = (args.flags.get("data-dir") as string | undefined) ?? prev?.dataDir;
  const epochs = numberFlag(args, "epochs", 3, true, 1);
  const batchSize = numberFlag(args, "batch-size", prev?.batchSize ?? 64, true, 1);
  const optimizerName = stringFlag<OptimizerName>(args, "optimizer", (prev?.optimizer as OptimizerName | undefined) ?? "sgd", optimizerNames);
  const lr = numberFlag(args, "lr", prev?.lr ?? defaultLr[optimizerName], false, 0);
  const lrDecay = numberFlag(args, "lr-decay", prev?.lrDecay ?? DEFAULT_LR_DECAY, false, 0);
  const seed = numberFlag(args, "seed", prev?.seed ?? 0, true);
  const trainSize = args.flags.has("train-size") ? numberFlag(args, "train-size", 0, true, 1) : prev?.trainSize;
  const testSize = args.flags.has("test-size") ? numberFlag(args, "test-size", 0, true, 1) : prev?.testSize;
  const outDir = args.flags.get("out") as string | undefined;
  if (prev) {
    const now: Partial<RunConfig> = { model: modelName, dataset: datasetName, optimizer: optimizerName, lr, lrDecay, batchSize, seed, trainSize };
    for (const [key, value] of Object.entries(now) as [keyof RunConfig, unknown][]) {
      if (value !== prev[key]) {
        throw new ValueError(`cannot resume ${resumeDir} with ${key} ${String(value)}: the run was trained with ${key} ${String(prev[key])} (omit the flag to keep it)`);
      }
    }
  }

  manualSeed(seed);
  const kernelsOn = await applyThreadsFlag(args);
  const data = await loadDataset(datasetName, dataDir, seed);
  const [channels, imageSize] = [data.train.channels, data.train.height];
  // Standardize inputs with the training set's per-channel statistics (kept in the checkpoint).
  const { mean, std } = channelStats(data.train);
  const config: RunConfig = {
    model: modelName, dataset: datasetName, dataDir, channels, imageSize, numClasses: data.train.numClasses,
    classNames: data.train.classes, mean, std, optimizer: optimizerName, lr, lrDecay, batchSize, seed, trainSize, testSize,
  };
  const model = createModel(modelName, config);
  const optimizer = createOptimizer(optimizerName, model.parameters(), lr);
  // A per-epoch exponential decay does not depend on the total number of epochs, so a run can
  // be resumed and extended without changing the schedule of the epochs already planned.
  const scheduler = new ExponentialLR(optimizer, lrDecay);
  const loaderGenerator = new Generator(seed);
  const train = normalizedBatches(new DataLoader(limit(data.train, trainSize) as ImageClassificationDataset, { batchSize, shuffle: true, generator: loaderGenerator }), mean, std);
  const test = normalizedBatches(new DataLoader(limit(data.test, testSize) as ImageClassificationDataset, { batchSize: 256 }), mean, std);

  let history: History = [];
  let initialEpoch = 1;
  if (resumeDir && saved) {
    model.loadStateDict(saved.weights);
    const state = await loadTrainingState(resumeDir);
    optimizer.loadStateDict(state.optimizer as Parameters<typeof optimizer.loadStateDict>[0]);
    scheduler.loadStateDict(state.scheduler as Parameters<typeof scheduler.loadStateDict>[0]);
    loaderGenerator.setState(state.loaderGenerator);
    defaultGenerator.setState(state.defaultGenerator);
    history = state.history;
    initialEpoch = state.epoch + 1;
    console.log(`resuming from ${resumeDir} after epoch ${state.epoch}`);
  }

  console.log(`myelin train: ${modelName} (${model.countParameters().toLocaleString("en-US")} parameters) on ${data.description}`);
  console.log(`  ${train.loader.dataset.length} train / ${test.loader.dataset.length} test images, batch ${batchSize}, ${optimizerName} lr ${lr}${lrDecay !== 1 ? ` (×${lrDecay} per epoch)` : ""}, ${epochs} epochs, seed ${seed}, ${kernelsOn}`);
  const start = performance.now();
  const recordEpoch = {
    onEpochEnd: async (record: History[number]) => {
      history.push(record);
      scheduler.step();
      if (!outDir) return;
      await saveCheckpoint(outDir, model, config, {
        epoch: record.epoch, optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict(), loaderGenerator: loaderGenerator.getState(),
        defaultGenerator: defaultGenerator.getState(), history,
      });
    },
  };
  const validation = args.flags.has("validate") ? test : undefined;
  await fit(model, { train, validation, loss: crossEntropy, optimizer, epochs, initialEpoch, callbacks: [recordEpoch], progress: process.stdout });
  const seconds = (performance.now() - start) / 1000;
  const result = evaluate(model, test, crossEntropy);
  const ci = errorRateInterval(result.total - result.correct, result.total);
  const acc = (x: number) => `${(100 * x).toFixed(2)}%`;
  const trainImages = history.filter((r) => r.epoch >= initialEpoch).length * train.loader.dataset.length;
  console.log(`test accuracy ${acc(result.accuracy)} (95% CI ${acc(1 - ci.upper)} – ${acc(1 - ci.lower)}; error ${acc(ci.estimate)} ± ${acc(1.96 * ci.standardError)}) on ${result.total} images`);
  console.log(`test loss ${result.loss.toFixed(4)}; trained in ${formatDuration(seconds)} (${Math.round(trainImages / seconds)} images/s)`);
  if (outDir) {
    const metrics = { testAccuracy: result.accuracy, testLoss: result.loss, testError: ci, correct: result.correct, total: result.total, perClassAccuracy: result.confusion.perClassAccuracy(), confusion: result.confusion.counts, seconds };
    await writeFileAtomic(join(outDir, "metrics.json"), JSON.stringify(metrics, null, 2) + "\n");
    console.log(`checkpoint, history and metrics written to ${outDir}`);
  }
  return 0;
}
