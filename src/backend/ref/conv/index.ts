/**
 * The reference `conv`, `convInputGrad` and `convWeightGrad` kernels: dispatch on the requested
 * algorithm, after checking that it applies (a kernel never silently substitutes another method).
 */
import type { ConvAlgorithm, ConvGeometry, View } from "../../backend.js";
import { requireApplicable, type DType, type TypedArray } from "./common.js";
import { directConv, directInputGrad, directWeightGrad } from "./direct.js";
import { im2colConv, im2colInputGrad, im2colWeightGrad } from "./im2col.js";
import { fftConv, fftInputGrad, fftWeightGrad } from "./fft.js";
import { winogradConv, winogradInputGrad, winogradWeightGrad } from "./winograd.js";

export { convAlgorithmIssue } from "../../conv-applicability.js";

/** y = x ⋆ w by `algorithm`; `this` is the kernel table the call came through (for its GEMM). */
export function conv(this: unknown, x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, outDtype: DType): TypedArray {
  requireApplicable(algorithm, geom);
  switch (algorithm) {
    case "direct": return directConv(x, w, geom, outDtype);
    case "im2col": return im2colConv.call(this, x, w, geom, outDtype);
    case "fft": return fftConv(x, w, geom, outDtype);
    case "winograd": return winogradConv.call(this, x, w, geom, outDtype);
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
