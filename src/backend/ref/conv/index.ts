/**
 * The reference `conv`, `convInputGrad` and `convWeightGrad` kernels: dispatch on the requested
 * algorithm, after checking that it applies (a kernel never silently substitutes another method).
 */
import type { ConvAlgorithm, ConvGeometry, Kernels, View, WindowGeometry } from "../../backend.js";
import { requireApplicable, type DType, type TypedArray } from "./common.js";
import { contiguousStrides, numel } from "../../../tensor/shape.js";
import { directConv, directInputGrad, directWeightGrad } from "./direct.js";
import { im2colConv, im2colInputGrad, im2colWeightGrad } from "./im2col.js";
import { fftConv, fftInputGrad, fftWeightGrad } from "./fft.js";
import { winogradConv, winogradInputGrad, winogradWeightGrad } from "./winograd.js";
import { maxPool } from "../window.js";
import { unary } from "../elementwise.js";

export { convAlgorithmIssue } from "../../conv-applicability.js";

/**
 * y = x ⋆ w (+ bias, then ReLU if `relu`) by `algorithm`; `this` is the kernel table the call came
 * through (for its GEMM).
 */
export function conv(
  this: unknown, x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias: View | null = null, relu = false,
): TypedArray {
  requireApplicable(algorithm, geom);
  let y: TypedArray;
  switch (algorithm) {
    case "direct": y = directConv(x, w, geom, outDtype); break;
    case "im2col": y = im2colConv.call(this, x, w, geom, outDtype); break;
    case "fft": y = fftConv(x, w, geom, outDtype); break;
    case "winograd": y = winogradConv.call(this, x, w, geom, outDtype); break;
  }
  if (bias) addChannelBias(y, bias, w.shape[0], numel(geom.outSize));
  // The reference relu kernel itself, so the fused result is by definition the unfused one.
  return relu ? unary("relu", { data: y, shape: [y.length], strides: [1], offset: 0 }, { a: 0, b: 0 }, outDtype) : y;
}

/**
 * `conv` then max pooling of its output (`Kernels.convMaxPool`), by the `conv` and `maxPool`
 * kernels of the table it is called through (the reference ones when called unbound), so a
 * backend without a fused kernel still runs its own two.
 */
export function convMaxPool(
  this: unknown, x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType, bias: View | null, relu: boolean,
  pool: WindowGeometry, withIndices: boolean,
): { values: TypedArray; indices: Int32Array | null } {
  const table = this as Partial<Pick<Kernels, "conv" | "maxPool">> | undefined;
  const convK = table?.conv ?? conv, poolK = table?.maxPool ?? maxPool;
  const y = convK.call(this, x, w, geom, algorithm, outDtype, bias, relu);
  const shape = [x.shape[0], w.shape[0], ...geom.outSize];
  const r = poolK.call(this, { data: y, shape, strides: contiguousStrides(shape), offset: 0 }, pool, "max");
  return { values: r.values, indices: withIndices ? r.indices : null };
}

/** y [N, M, L] += bias[m] on every element of channel m, in place. */
function addChannelBias(y: TypedArray, bias: View, M: number, L: number): void {
  for (let plane = 0; plane * L < y.length; plane++) {
    const v = bias.data[bias.offset + (plane % M) * bias.strides[0]];
    for (let i = plane * L; i < (plane + 1) * L; i++) y[i] += v;
  }
}

export function convInputGrad(this: unknown, g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray {
  requireApplicable(algorithm, geom);
  switch (algorithm) {
    case "direct": return directInputGrad(g, w, inSpatial, geom, outDtype);
    case "im2col": return im2colInputGrad.call(this, g, w, inSpatial, geom, outDtype);
    case "fft": return fftInputGrad(g, w, inSpatial, geom, outDtype);
    case "winograd": return winogradInputGrad.call(this, g, w, inSpatial, geom, outDtype);
  }
}

export function convWeightGrad(this: unknown, x: View, g: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray {
  requireApplicable(algorithm, geom);
  switch (algorithm) {
    case "direct": return directWeightGrad(x, g, geom, outDtype);
    case "im2col": return im2colWeightGrad.call(this, x, g, geom, outDtype);
    case "fft": return fftWeightGrad(x, g, geom, outDtype);
    case "winograd": return winogradWeightGrad.call(this, x, g, geom, outDtype);
  }
}
