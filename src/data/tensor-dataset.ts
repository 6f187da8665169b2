/**
 * TensorDataset: samples are the rows (dim 0) of one or more tensors of equal first dim, like
 * PyTorch's `TensorDataset(x, y)`. A sample is the list of row views (no copy); a batch is
 * gathered with one `indexSelect` per tensor.
 */
import type { Tensor } from "../tensor/tensor.js";
import { fromTypedArray } from "../tensor/create.js";
import { indexSelect } from "../ops/indexing.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { checkIndex, type BatchDataset, type BatchIndices } from "./dataset.js";

/**
 * A dataset of rows of tensors.
 *
 * @example
 * const ds = new TensorDataset(x, y); // x: [N,D] float32, y: [N] int32
 * const [xi, yi] = ds.get(0);          // xi: [D], yi: 0-d int32
 */
export class TensorDataset implements BatchDataset<Tensor[], Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError("TensorDataset: expected at least one tensor");
    const n = tensors[0].shape[0];
    for (const t of tensors) {
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new ShapeError(
          `TensorDataset: all tensors must have the same size in dim 0, got shapes ${tensors.map((u) => fmtShape(u.shape)).join(", ")}`,
        );
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    checkIndex("TensorDataset", index, this.length);
    return this.tensors.map((t) => t.select(0, index));
  }

  getBatch(indices: BatchIndices): Tensor[] {
    for (const i of indices) checkIndex("TensorDataset", i, this.length);
    const index = fromTypedArray(Int32Array.from(indices));
    return this.tensors.map((t) => indexSelect(t, 0, index));
  }
}
