/**
 * Conformance handlers for the pool family: max/min/avg/sum pooling, adaptive average pooling,
 * max-unpooling (inputs x and indices), nearest upsampling and zero insertion, through the
 * public functional API. `seed/max_pool2d` and `seed/avg_pool2d` resolve to these handlers.
 */
import type { HandlerTable, OpCase } from "../handler.js";
import { attr } from "../handler.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { IntOrTuple } from "../../nn/functional/conv.js";
import {
  adaptiveAvgPool2d, avgPoolNd, interpolate, maxPoolNd, maxUnpool2d, minPool2d, sumPool2d, zeroInsertion2d,
  type AvgPoolOptions, type InterpolateMode, type MaxPoolOptions, type PoolDims,
} from "../../nn/functional/pooling.js";

const x = (c: OpCase) => c.inputs.x;
const kernel = (c: OpCase) => attr<IntOrTuple>(c.attrs, "kernel_size");

const maxOptions = (c: OpCase): Omit<MaxPoolOptions, "returnIndices"> => ({
  stride: attr<IntOrTuple | null>(c.attrs, "stride", null),
  padding: attr<IntOrTuple>(c.attrs, "padding", 0),
  dilation: attr<IntOrTuple>(c.attrs, "dilation", 1),
  ceilMode: attr(c.attrs, "ceil_mode", false),
});

const avgOptions = (c: OpCase): AvgPoolOptions => ({
  stride: attr<IntOrTuple | null>(c.attrs, "stride", null),
  padding: attr<IntOrTuple>(c.attrs, "padding", 0),
  ceilMode: attr(c.attrs, "ceil_mode", false),
  countIncludePad: attr(c.attrs, "count_include_pad", true),
  divisorOverride: attr<number | null>(c.attrs, "divisor_override", null),
});

const maxPool = (D: PoolDims) => (c: OpCase): Tensor => maxPoolNd(D, x(c), kernel(c), maxOptions(c));
const avgPool = (D: PoolDims) => (c: OpCase): Tensor => avgPoolNd(D, x(c), kernel(c), avgOptions(c));

export const poolingHandlers: HandlerTable = {
  forward: {
    max_pool1d: maxPool(1),
    max_pool2d: maxPool(2),
    max_pool3d: maxPool(3),
    min_pool2d: (c) => minPool2d(x(c), kernel(c), maxOptions(c)),
    avg_pool1d: avgPool(1),
    avg_pool2d: avgPool(2),
    avg_pool3d: avgPool(3),
    sum_pool2d: (c) => {
      const { stride, padding, ceilMode } = avgOptions(c);
      return sumPool2d(x(c), kernel(c), { stride, padding, ceilMode });
    },
    adaptive_avg_pool2d: (c) => adaptiveAvgPool2d(x(c), attr<number | number[]>(c.attrs, "output_size")),
    max_unpool2d: (c) =>
      maxUnpool2d(x(c), c.inputs.indices, kernel(c), {
        stride: attr<IntOrTuple | null>(c.attrs, "stride", null),
        padding: attr<IntOrTuple>(c.attrs, "padding", 0),
        outputSize: attr<number[] | null>(c.attrs, "output_size", null),
      }),
    upsample_nearest2d: (c) =>
      interpolate(x(c), {
        scaleFactor: attr<number | number[]>(c.attrs, "scale_factor"),
        mode: attr<InterpolateMode>(c.attrs, "mode", "nearest"),
      }),
    zero_insertion2d: (c) => zeroInsertion2d(x(c), attr<IntOrTuple>(c.attrs, "stride")),
  },
};
