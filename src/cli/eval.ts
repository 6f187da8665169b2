/** `myelin eval --checkpoint DIR`: test accuracy (with 95% CI), per-class accuracy, confusion matrix. */
import { parseArgs, numberFlag, checkFlags } from "./args.js";
import { loadModelCheckpoint } from "./checkpoint.js";
import { loadDataset, type DatasetName } from "./datasets.js";
import { normalizedBatches } from "./normalized-batches.js";
import { createModel } from "../models/index.js";
import { DataLoader } from "../data/dataloader.js";
import { evaluate } from "../train/fit.js";
import { crossEntropy } from "../nn/functional/loss.js";
import { errorRateInterval } from "../stats/estimators.js";
import { applyThreadsFlag } from "./threads.js";

export const evalUsage = "usage: myelin eval --checkpoint DIR [--data-dir DIR] [--batch-size N] [--threads N]";

export async function evalCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  checkFlags(args, ["checkpoint", "data-dir", "batch-size", "threads"], evalUsage);
  const dir = args.flags.get("checkpoint");
  if (typeof dir !== "string") {
    console.error(evalUsage);
    return 2;
  }
  const { weights, config } = await loadModelCheckpoint(dir);
  const model = createModel(config.model, config);
  model.loadStateDict(weights);
  const dataDir = (args.flags.get("data-dir") as string | undefined) ?? config.dataDir;
  const data = await loadDataset(config.dataset as DatasetName, dataDir, config.seed);
  const batches = normalizedBatches(new DataLoader(data.test, { batchSize: numberFlag(args, "batch-size", 256, true, 1) }), config.mean, config.std);
  const kernelsOn = await applyThreadsFlag(args);
  const r = evaluate(model, batches, crossEntropy);
  const ci = errorRateInterval(r.total - r.correct, r.total);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(`${config.model} from ${dir} on ${data.description} (test split, ${r.total} images; ${kernelsOn})`);
  console.log(`accuracy ${pct(r.accuracy)}  test error ${pct(ci.estimate)} ± ${pct(1.96 * ci.standardError)} (95% CI ${pct(ci.lower)} – ${pct(ci.upper)})  loss ${r.loss.toFixed(4)}`);
  if (r.top5Correct !== undefined) console.log(`top-5 error ${pct(1 - r.top5Correct / r.total)}`);
  console.log("per-class accuracy:");
  r.confusion.perClassAccuracy().forEach((a, i) => console.log(`  ${config.classNames[i].padEnd(12)} ${pct(a)}`));
  console.log("confusion matrix (rows: true class, columns: predicted):");
  console.log(r.confusion.toString(config.classNames));
  return 0;
}
