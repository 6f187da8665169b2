/**
 * Subset: a view of another dataset through a list of indices (PyTorch's `Subset`). It copies
 * no samples; it forwards `getBatch` when the underlying dataset has it, so splits keep the
 * fast batch path.
 */
import { ValueError } from "../errors.js";
import { checkIndex, hasGetBatch, type BatchIndices, type Dataset } from "./dataset.js";

/**
 * The samples `indices[0], indices[1], …` of `dataset`.
 *
 * @example const firstHundred = new Subset(train, Array.from({ length: 100 }, (_, i) => i));
 */
export class Subset<T> implements Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: Int32Array;
  /** Present only when the underlying dataset has `getBatch`: its batch for the mapped indices. */
  readonly getBatch?: (indices: BatchIndices) => unknown;

  constructor(dataset: Dataset<T>, indices: BatchIndices) {
    const n = dataset.length;
    for (const i of indices) {
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new ValueError(`Subset: index ${i} is out of range for a dataset of ${n} samples`);
      }
    }
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
    if (hasGetBatch(dataset)) {
      this.getBatch = (batch) => {
        const mapped = new Int32Array(batch.length);
        for (let k = 0; k < batch.length; k++) {
          checkIndex("Subset", batch[k], this.indices.length);
          mapped[k] = this.indices[batch[k]];
        }
        return dataset.getBatch(mapped);
      };
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    checkIndex("Subset", index, this.length);
    return this.dataset.get(this.indices[index]);
  }
}
