/**
 * DataLoader: iterates over a dataset in batches (PyTorch's `DataLoader`, single process).
 * Each `for … of` is one epoch; with `shuffle` every epoch draws a fresh permutation from the
 * generator, so the same seed gives the same sequence of epochs. Batches come from `collate`
 * (default: `defaultCollate`), or from the dataset's own `getBatch` when it has one and no
 * collate is given (in-memory datasets copy rows instead of building a tensor per sample).
 */
import { randperm } from "../tensor/create.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import { ValueError } from "../errors.js";
import { hasGetBatch, type Dataset } from "./dataset.js";
import { defaultCollate, type Collated } from "./collate.js";

/** Options of a DataLoader (PyTorch's names in camelCase). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Stream the permutations are drawn from (default: the global generator). */
  generator?: Generator;
  /** Turns a list of samples into a batch (default: `defaultCollate`). */
  collate?: (samples: T[]) => B;
}

/**
 * Batches of a dataset, one epoch per iteration.
 *
 * @example
 * const loader = new DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(0) });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const [x, y] of loader) { … } // x: [64,1,28,28] float32, y: [64] int32
 * }
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator;
  private readonly collate: ((samples: T[]) => B) | undefined;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false, generator = defaultGenerator, collate } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collate = collate;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch. The order is fixed when iteration starts. */
  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const order = this.shuffle ? (randperm(n, { generator: this.generator }).data as Int32Array) : identity(n);
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, n));
      yield this.makeBatch(indices);
    }
  }

  private makeBatch(indices: Int32Array): B {
    if (this.collate) return this.collate(Array.from(indices, (i) => this.dataset.get(i)));
    if (hasGetBatch(this.dataset)) return this.dataset.getBatch(indices) as B;
    return defaultCollate(Array.from(indices, (i) => this.dataset.get(i))) as B;
  }
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
