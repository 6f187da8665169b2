/**
 * Direct convolution: the definition, as nested loops over N, M, the output positions, the
 * group's C/G input channels and the kernel taps — the readable oracle every other algorithm is
 * tested against. 1-D and 2-D geometries are lifted to 3-D with size-1 leading axes, so one loop
 * nest serves every rank. The forward pass and both gradients share the loop nest: they are the
 * same sum y[o] += x[i]·w[k] with a different array accumulating.
 *
 * Depthwise convolutions (one input channel per group) take a second, faster path that walks
 * contiguous runs of outputs per tap — im2col would copy every input element Πkernel times to
 * feed a GEMM whose inner dimension is only Πkernel.
 */
import type { ConvGeometry, View } from "../../backend.js";
import { allocArray, convDims, isDepthwise, requireApplicable, type ConvDims, type DType, type TypedArray } from "./common.js";

/** Which array accumulates: forward y, input gradient dx, or weight gradient dw. */
type Mode = "forward" | "inputGrad" | "weightGrad";

/** A geometry lifted to exactly 3 spatial axes. */
interface Lifted {
  readonly d: ConvDims;
  readonly inS: number[];
  readonly outS: number[];
  readonly k: number[];
  readonly s: number[];
  readonly p: number[];
  readonly dl: number[];
}

function lift(d: ConvDims): Lifted {
  const pad = (v: readonly number[], fill: number) => [...new Array<number>(3 - v.length).fill(fill), ...v];
  const g = d.geom;
  return { d, inS: pad(d.inSpatial, 1), outS: pad(g.outSize, 1), k: pad(g.kernel, 1), s: pad(g.stride, 1), p: pad(g.padding, 0), dl: pad(g.dilation, 1) };
}

/**
 * The loop nest. x, w, y are the input, weight and output arrays (with element offsets); in
 * "inputGrad" mode x is the zeroed dx being accumulated and y is the upstream gradient, in
 * "weightGrad" mode w is the zeroed dw.
 */
function directLoops(mode: Mode, L: Lifted, x: TypedArray, xo: number, w: TypedArray, wo: number, y: TypedArray, yo: number): void {
  const { N, C, M, Cg, Mg } = L.d;
  const [I0, I1, I2] = L.inS;
  const [P0, P1, P2] = L.outS;
  const [K0, K1, K2] = L.k;
  const [s0, s1, s2] = L.s;
  const [p0, p1, p2] = L.p;
  const [d0, d1, d2] = L.dl;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = Math.floor(m / Mg);
      for (let o0 = 0; o0 < P0; o0++) for (let o1 = 0; o1 < P1; o1++) for (let o2 = 0; o2 < P2; o2++) {
        const yi = yo + (((n * M + m) * P0 + o0) * P1 + o1) * P2 + o2;
        let acc = 0;
        for (let c = 0; c < Cg; c++) {
          const xc = (n * C + g * Cg + c) * I0;
          const wc = (m * Cg + c) * K0;
          for (let k0 = 0; k0 < K0; k0++) {
            const i0 = o0 * s0 - p0 + k0 * d0;
            if (i0 < 0 || i0 >= I0) continue;
            for (let k1 = 0; k1 < K1; k1++) {
              const i1 = o1 * s1 - p1 + k1 * d1;
              if (i1 < 0 || i1 >= I1) continue;
              for (let k2 = 0; k2 < K2; k2++) {
                const i2 = o2 * s2 - p2 + k2 * d2;
                if (i2 < 0 || i2 >= I2) continue;
                const xi = xo + ((xc + i0) * I1 + i1) * I2 + i2;
                const wi = wo + ((wc + k0) * K1 + k1) * K2 + k2;
                if (mode === "forward") acc += x[xi] * w[wi];
                else if (mode === "inputGrad") x[xi] += y[yi] * w[wi];
                else w[wi] += y[yi] * x[xi];
              }
            }
          }
        }
        if (mode === "forward") y[yi] = acc;
      }
    }
  }
}

/**
 * Depthwise loop nest: per (image, output channel, tap), the outputs along the last axis whose
 * input lies inside the unpadded input form one run [lo, hi], computed once — no bounds checks
 * in the inner loop. Output channel m reads input channel ⌊m / (M/C)⌋.
 */
function depthwiseLoops(mode: Mode, L: Lifted, x: TypedArray, xo: number, w: TypedArray, wo: number, y: TypedArray, yo: number): void {
  const { N, C, M, Mg } = L.d;
  const [I0, I1, I2] = L.inS;
  const [P0, P1, P2] = L.outS;
  const [K0, K1, K2] = L.k;
  const [s0, s1, s2] = L.s;
  const [p0, p1, p2] = L.p;
  const [d0, d1, d2] = L.dl;
  const inPlane = I0 * I1 * I2;
  const outPlane = P0 * P1 * P2;
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const xPlane = xo + (n * C + Math.floor(m / Mg)) * inPlane;
      const yPlane = yo + (n * M + m) * outPlane;
      for (let k0 = 0; k0 < K0; k0++) for (let k1 = 0; k1 < K1; k1++) for (let k2 = 0; k2 < K2; k2++) {
        const wi = wo + ((m * K0 + k0) * K1 + k1) * K2 + k2;
        const wv = w[wi];
        const shift = k2 * d2 - p2;
        const lo = Math.max(0, Math.ceil(-shift / s2));
        const hi = Math.min(P2 - 1, Math.floor((I2 - 1 - shift) / s2));
        if (hi < lo) continue;
        let acc = 0;
        for (let o0 = 0; o0 < P0; o0++) {
          const i0 = o0 * s0 - p0 + k0 * d0;
          if (i0 < 0 || i0 >= I0) continue;
          for (let o1 = 0; o1 < P1; o1++) {
            const i1 = o1 * s1 - p1 + k1 * d1;
            if (i1 < 0 || i1 >= I1) continue;
            const xb = xPlane + (i0 * I1 + i1) * I2 + shift;
            const yb = yPlane + (o0 * P1 + o1) * P2;
            if (mode === "forward") for (let t = lo; t <= hi; t++) y[yb + t] += wv * x[xb + t * s2];
            else if (mode === "inputGrad") for (let t = lo; t <= hi; t++) x[xb + t * s2] += wv * y[yb + t];
            else for (let t = lo; t <= hi; t++) acc += y[yb + t] * x[xb + t * s2];
          }
        }
        if (mode === "weightGrad") w[wi] += acc;
      }
    }
  }
}

function run(mode: Mode, d: ConvDims, x: TypedArray, xo: number, w: TypedArray, wo: number, y: TypedArray, yo: number): void {
  requireApplicable("direct", d.geom);
  (isDepthwise(d) ? depthwiseLoops : directLoops)(mode, lift(d), x, xo, w, wo, y, yo);
}

/** y = x ⋆ w by the definition. x [N, C, ...in], w [M, C/G, ...k] contiguous → [N, M, ...out]. */
export function directConv(x: View, w: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const d = convDims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom);
  const y = allocArray(outDtype, d.N * d.M * geom.outSize.reduce((a, b) => a * b, 1));
  run("forward", d, x.data, x.offset, w.data, w.offset, y, 0);
  return y;
}

/** dx[n, c, i] = Σ g[n, m, o]·w[m, c, k] over every (o, k) that reads input position i. */
export function directInputGrad(g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, outDtype: DType): TypedArray {
  const C = w.shape[1] * geom.groups;
  const d = convDims(g.shape[0], C, g.shape[1], inSpatial, geom);
  const dx = allocArray(outDtype, d.N * C * inSpatial.reduce((a, b) => a * b, 1));
  run("inputGrad", d, dx, 0, w.data, w.offset, g.data, g.offset);
  return dx;
}

/** dw[m, c, k] = Σ over n and o of g[n, m, o]·x[n, c, o·s − p + k·d]. */
export function directWeightGrad(x: View, g: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const M = g.shape[1];
  const d = convDims(x.shape[0], x.shape[1], M, x.shape.slice(2), geom);
  const dw = allocArray(outDtype, M * d.Cg * geom.kernel.reduce((a, b) => a * b, 1));
  run("weightGrad", d, x.data, x.offset, dw, 0, g.data, g.offset);
  return dw;
}
