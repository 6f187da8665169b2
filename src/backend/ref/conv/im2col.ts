/**
 * im2col + GEMM: unfold x into columns [N, C·K, L] (K taps per window, L output positions),
 * then per image and group y[n, g] = W[g] [M/G, C/G·K] · cols[n, g] [C/G·K, L]. The input
 * gradient is the transposed product Wᵀ·g followed by col2im (im2col's adjoint, which sums
 * overlapping windows); the weight gradient is Σₙ g·colsᵀ. Group blocks are strided views, so
 * groups copy nothing. A pointwise (1×1, stride 1, unpadded) convolution needs no unfolding at
 * all: the input already is its column matrix, and the input gradient is Wᵀ·g itself.
 *
 * The GEMMs go through the kernel table the call came through (see `gemmKernels`), so a
 * backend with a fast `matmul` speeds this algorithm up without reimplementing it.
 */
import type { ConvGeometry, View } from "../../backend.js";
import {
  allocArray, batchView, convDims, denseView, gemmKernels, isPointwise, outPositions, taps,
  type DType, type TypedArray,
} from "./common.js";

/** The column matrix of x as (data, offset): x itself for pointwise convs, else unfolded. */
function columns(self: unknown, x: View, geom: ConvGeometry): { data: TypedArray; offset: number } {
  return isPointwise(geom) ? { data: x.data, offset: x.offset } : { data: gemmKernels(self).im2col(x, geom), offset: 0 };
}

export function im2colConv(this: unknown, x: View, w: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const k = gemmKernels(this);
  const d = convDims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom);
  const CgK = d.Cg * taps(geom);
  const L = outPositions(geom);
  const cols = columns(this, x, geom);
  const out = allocArray(outDtype, d.N * d.M * L);
  for (let n = 0; n < d.N; n++) {
    const wv = batchView(w.data, w.offset, d.G, d.Mg, CgK);
    const cv = batchView(cols.data, cols.offset + n * d.C * taps(geom) * L, d.G, CgK, L);
    out.set(k.matmul(wv, cv, outDtype), n * d.M * L);
  }
  return out;
}

export function im2colInputGrad(this: unknown, g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, outDtype: DType): TypedArray {
  const k = gemmKernels(this);
  const C = w.shape[1] * geom.groups;
  const d = convDims(g.shape[0], C, g.shape[1], inSpatial, geom);
  const CgK = d.Cg * taps(geom);
  const L = outPositions(geom);
  const dcols = allocArray(outDtype, d.N * C * taps(geom) * L);
  for (let n = 0; n < d.N; n++) {
    const wt = batchView(w.data, w.offset, d.G, d.Mg, CgK, true);
    const gv = batchView(g.data, g.offset + n * d.M * L, d.G, d.Mg, L);
    dcols.set(k.matmul(wt, gv, outDtype), n * C * taps(geom) * L);
  }
  if (isPointwise(geom)) return dcols;
  return k.col2im(denseView(dcols, [d.N, C * taps(geom), L]), C, inSpatial, geom, outDtype);
}

export function im2colWeightGrad(this: unknown, x: View, g: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const k = gemmKernels(this);
  const M = g.shape[1];
  const d = convDims(x.shape[0], x.shape[1], M, x.shape.slice(2), geom);
  const CgK = d.Cg * taps(geom);
  const L = outPositions(geom);
  const cols = columns(this, x, geom);
  const dw = allocArray(outDtype, M * CgK);
  for (let n = 0; n < d.N; n++) {
    const gv = batchView(g.data, g.offset + n * M * L, d.G, d.Mg, L);
    const ct = batchView(cols.data, cols.offset + n * d.C * taps(geom) * L, d.G, CgK, L, true);
    const part = k.matmul(gv, ct, outDtype);
    for (let i = 0; i < part.length; i++) dw[i] += part[i];
  }
  return dw;
}
