/**
 * Conformance handlers for the conv family: conv1d/2d/3d, conv_transpose1d/2d, depthwise and
 * pointwise conv2d (plain conv2d with groups = C, resp. a 1×1 kernel). `seed/conv2d` resolves
 * to `conv2d`. A case without `params.bias` (attrs.bias false) runs without bias.
 *
 * The runner may name a convolution algorithm (`--conv-algorithm`): the case then runs under it,
 * and a geometry that algorithm cannot compute is reported as skipped with the reason.
 */
import type { HandlerTable, OpCase } from "../handler.js";
import { attr, Unsupported } from "../handler.js";
import type { Tensor } from "../../tensor/tensor.js";
import { convNd, convTransposeNd } from "../../nn/functional/conv.js";
import { ConvAlgorithmError, type ConvAlgorithmChoice } from "../../nn/functional/conv/algorithm.js";

const algorithmOf = (c: OpCase): ConvAlgorithmChoice | undefined => c.convAlgorithm;

/** Runs f, turning "this algorithm does not apply" into a skip that names the algorithm and why. */
function underAlgorithm(f: () => Tensor): Tensor {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConvAlgorithmError) throw new Unsupported(`${e.algorithm} does not apply: ${e.reason}`);
    throw e;
  }
}

type Dims = 1 | 2 | 3;

const bias = (c: OpCase): Tensor | null => c.params.bias ?? null;

const conv = (D: Dims) => (c: OpCase): Tensor =>
  underAlgorithm(() => convNd(D, c.inputs.x, c.params.weight, bias(c), {
    stride: attr(c.attrs, "stride", 1),
    padding: attr(c.attrs, "padding", 0),
    dilation: attr(c.attrs, "dilation", 1),
    groups: attr(c.attrs, "groups", 1),
    algorithm: algorithmOf(c),
  }));

const convTranspose = (D: Dims) => (c: OpCase): Tensor =>
  underAlgorithm(() => convTransposeNd(D, c.inputs.x, c.params.weight, bias(c), {
    stride: attr(c.attrs, "stride", 1),
    padding: attr(c.attrs, "padding", 0),
    outputPadding: attr(c.attrs, "output_padding", 0),
    dilation: attr(c.attrs, "dilation", 1),
    groups: attr(c.attrs, "groups", 1),
    algorithm: algorithmOf(c),
  }));

export const convHandlers: HandlerTable = {
  forward: {
    conv1d: conv(1),
    conv2d: conv(2),
    conv3d: conv(3),
    conv_transpose1d: convTranspose(1),
    conv_transpose2d: convTranspose(2),
    depthwise_conv2d: conv(2),
    pointwise_conv2d: conv(2),
  },
};
