/**
 * The Dataset contract (PyTorch's map-style dataset): a length and random access by index.
 * A dataset may also build a whole batch at once (`getBatch`); the DataLoader uses that fast
 * path when no custom collate is given, so in-memory datasets can copy rows into one batch
 * instead of creating one Tensor per sample.
 */
import { ValueError } from "../errors.js";

/** Random access to `length` samples of type T. */
export interface Dataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** The sample at `index` (0 ≤ index < length). */
  get(index: number): T;
}

/** Indices of the samples of one batch. */
export type BatchIndices = readonly number[] | Int32Array;

/**
 * A dataset that can build a collated batch itself. `getBatch(indices)` must return what
 * `defaultCollate(indices.map(i => get(i)))` would, only faster.
 */
export interface BatchDataset<T, B> extends Dataset<T> {
  getBatch(indices: BatchIndices): B;
}

/** True when `dataset` implements `getBatch`. */
export function hasGetBatch<T>(dataset: Dataset<T>): dataset is BatchDataset<T, unknown> {
  return typeof (dataset as Partial<BatchDataset<T, unknown>>).getBatch === "function";
}

/** Throws unless `index` is an integer in [0, length); `owner` names the dataset in the message. */
export function checkIndex(owner: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new ValueError(`${owner}: index ${index} is out of range for a dataset of ${length} samples`);
  }
}
