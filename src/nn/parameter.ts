/** Parameter: a tensor that a Module owns and an optimizer updates. */
import { Tensor } from "../tensor/tensor.js";

/**
 * A leaf tensor marked as a learnable parameter (requires grad by default). It shares storage
 * with the tensor it is made from.
 *
 * @example this.weight = new Parameter(zeros([out, inp]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const dense = data.detach().contiguous();
    super(dense.data, dense.shape, dense.strides, dense.offset);
    this.requiresGrad = requiresGrad;
  }
}
