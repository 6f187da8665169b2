/**
 * CIFAR-10 from its binary distribution: data_batch_1.bin … data_batch_5.bin (50,000 training
 * images) and test_batch.bin (10,000), in `dir` or in its `cifar-10-batches-bin` subdirectory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cifar10Dataset, parseCifar10Batch } from "../cifar10.js";
import type { ImageClassificationDataset } from "../image-classification-dataset.js";
import { readDataFile } from "./read-file.js";
import { locateFiles } from "./locate.js";
import type { TrainTest } from "./mnist-idx.js";

const TRAIN = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST = "test_batch.bin";

/**
 * CIFAR-10 as [3,32,32] images in [0,1] (bytes, scaled on read) with CIFAR10_CLASSES.
 *
 * @example const { train, test } = loadCifar10("/data/cifar-10-batches-bin");
 */
export function loadCifar10(dir: string): TrainTest<ImageClassificationDataset> {
  const nested = join(dir, "cifar-10-batches-bin");
  const root = !existsSync(join(dir, TEST)) && existsSync(join(nested, TEST)) ? nested : dir;
  const spec = Object.fromEntries([...TRAIN, TEST].map((f) => [f, { label: f, names: [f] }]));
  const files = locateFiles("loadCifar10", "CIFAR-10", root, spec,
    "To get it, extract the binary version of CIFAR-10 (cifar-10-binary.tar.gz) and pass the " +
      "cifar-10-batches-bin directory (or its parent).");
  const load = (f: string) => parseCifar10Batch(readDataFile(files[f], "loadCifar10"), files[f]);
  return {
    train: cifar10Dataset(TRAIN.map(load), { name: "CIFAR-10 train" }),
    test: cifar10Dataset([load(TEST)], { name: "CIFAR-10 test" }),
  };
}
