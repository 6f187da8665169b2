/** `myelin predict --checkpoint DIR image.png|image.pgm …`: the top classes for each image. */
import { parseArgs, numberFlag, checkFlags } from "./args.js";
import { loadModelCheckpoint } from "./checkpoint.js";
import { readImageTensor } from "./image-file.js";
import { createModel } from "../models/index.js";
import { normalize } from "../data/transforms/normalize.js";
import { noGrad } from "../autograd/engine.js";
import { softmax } from "../ops/softmax.js";

export const predictUsage = "usage: myelin predict --checkpoint DIR [--top N] image.png|image.pgm …";

export async function predictCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  checkFlags(args, ["checkpoint", "top"], predictUsage);
  const dir = args.flags.get("checkpoint");
  if (typeof dir !== "string" || args.positional.length === 0) {
    console.error(predictUsage);
    return 2;
  }
  const { weights, config } = await loadModelCheckpoint(dir);
  const model = createModel(config.model, config).eval();
  model.loadStateDict(weights);
  const top = Math.min(numberFlag(args, "top", 3, true, 1), config.numClasses);
  const norm = normalize(config.mean, config.std);
  for (const file of args.positional) {
    const x = norm(await readImageTensor(file, config.channels, config.imageSize));
    const probs = noGrad(() => softmax(model.forward(x), 1)).toTypedArray();
    const ranked = Array.from(probs, (p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, top);
    console.log(`${file}: ${ranked.map(([p, i]) => `${config.classNames[i]} ${(100 * p).toFixed(1)}%`).join(", ")}`);
  }
  return 0;
}
