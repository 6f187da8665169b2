/**
 * 3-D convolutions on the wasm backend as sums of 2-D ones over depth slices. With output depth
 * od reading input depth id = od·sd − pd + kz·dd for kernel depth kz,
 *
 *     y[n, :, od] = Σ_kz conv2d(x[n, :, id], w[:, :, kz])
 *
 * so for each (image, kz) the output depths whose input depth is inside the volume form one batch
 * of 2-D images — a strided view of x, no copy — for the 2-D kernels of conv.ts (im2col with
 * packed panels, or the SIMD depthwise kernels), whose results are added into place. The two
 * gradients decompose the same way: dx[n, :, id] += convInputGrad2d(dy[n, :, od], w[:, :, kz]) and
 * dw[:, :, kz] += convWeightGrad2d(x[n, :, id], dy[n, :, od]). Sums run in a fixed order (images,
 * then kz, then the 2-D kernels' own order), so results are the same on any thread count; they
 * match the reference to rounding (the reference sums all taps of a window in one chain).
 */
import type { ConvAlgorithm, ConvGeometry, View } from "../backend.js";
import { conv, convInputGrad, convWeightGrad } from "./conv.js";

/** The 2-D geometry of one depth slice: the last two axes of the 3-D one. */
function planeGeometry(g: ConvGeometry): ConvGeometry {
  const last2 = (v: readonly number[]) => v.slice(1);
  return {
    kernel: last2(g.kernel), stride: last2(g.stride), padding: last2(g.padding), dilation: last2(g.dilation),
    outSize: last2(g.outSize), groups: g.groups,
  };
}

/**
 * Calls `each` for every image n and kernel depth kz with the output depths [lo, lo + count) whose
 * input depths first, first + sd, … lie in [0, D) (pairs with no such depth are skipped).
 */
function forEachDepthTap(
  N: number, D: number, g: ConvGeometry, each: (n: number, kz: number, first: number, lo: number, count: number) => void,
): void {
  const [sd] = g.stride, [pd] = g.padding, [dd] = g.dilation, [oD] = g.outSize;
  for (let n = 0; n < N; n++) {
    for (let kz = 0; kz < g.kernel[0]; kz++) {
      const shift = kz * dd - pd; // input depth of output depth 0
      const lo = Math.max(0, Math.ceil(-shift / sd));
      const hi = Math.min(oD - 1, Math.floor((D - 1 - shift) / sd));
      if (hi >= lo) each(n, kz, lo * sd + shift, lo, hi - lo + 1);
    }
  }
}

/** Depth slices first, first + step, … (count of them) of image n of v [N, C, D, H, W], as a batch [count, C, H, W]. */
function slices(v: View, n: number, first: number, count: number, step: number): View {
  const [s0, s1, s2, s3, s4] = v.strides;
  return { data: v.data, shape: [count, v.shape[1], v.shape[3], v.shape[4]], strides: [step * s2, s1, s3, s4], offset: v.offset + n * s0 + first * s2 };
}

/** Kernel depth kz of w [M, C/G, kd, kh, kw], as a 2-D weight [M, C/G, kh, kw]. */
function weightSlice(w: View, kz: number): View {
  const [s0, s1, s2, s3, s4] = w.strides;
  return { data: w.data, shape: [w.shape[0], w.shape[1], w.shape[3], w.shape[4]], strides: [s0, s1, s3, s4], offset: w.offset + kz * s2 };
}

/** dst[at + i] += src[from + i] for i < n. */
function addInto(dst: Float32Array, at: number, src: Float32Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) dst[at + i] += src[from + i];
}

/** y = x ⋆ w (+ bias, then ReLU if `relu`, after the sum): x [N, C, D, H, W], w [M, C/G, kd, kh, kw] → y [N, M, oD, oh, ow]. */
export function conv3d(x: View, w: View, geom: ConvGeometry, algorithm: ConvAlgorithm, bias: View | null, relu: boolean): Float32Array {
  const [N, , D] = x.shape;
  const M = w.shape[0];
  const [oD, oh, ow] = geom.outSize;
  const P = oh * ow;
  const y = new Float32Array(N * M * oD * P);
  const plane = planeGeometry(geom);
  forEachDepthTap(N, D, geom, (n, kz, first, lo, count) => {
    const part = conv(slices(x, n, first, count, geom.stride[0]), weightSlice(w, kz), plane, algorithm, "float32") as Float32Array;
    for (let j = 0; j < count; j++) {
      for (let m = 0; m < M; m++) addInto(y, ((n * M + m) * oD + lo + j) * P, part, (j * M + m) * P, P);
    }
  });
  // The bias after the sum, then ReLU as the reference's (x > 0 ? x : 0: NaN and −0 give +0).
  const volume = oD * P;
  for (let p = 0; (bias || relu) && p < N * M; p++) {
    const b = bias ? bias.data[bias.offset + (p % M) * bias.strides[0]] : 0;
    for (let i = p * volume; i < (p + 1) * volume; i++) {
      const v = bias ? y[i] + b : y[i];
      y[i] = relu && !(v > 0) ? 0 : v;
    }
  }
  return y;
}

/** ∂L/∂x of `conv3d` from dy [N, M, oD, oh, ow] → [N, C, ...inSpatial]. */
export function conv3dInputGrad(g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, algorithm: ConvAlgorithm): Float32Array {
  const N = g.shape[0];
  const C = w.shape[1] * geom.groups;
  const [D, H, W] = inSpatial;
  const P = H * W;
  const dx = new Float32Array(N * C * D * P);
  const plane = planeGeometry(geom);
  forEachDepthTap(N, D, geom, (n, kz, first, lo, count) => {
    const part = convInputGrad(slices(g, n, lo, count, 1), weightSlice(w, kz), [H, W], plane, algorithm, "float32") as Float32Array;
    for (let j = 0; j < count; j++) {
      const id = first + j * geom.stride[0];
      for (let c = 0; c < C; c++) addInto(dx, ((n * C + c) * D + id) * P, part, (j * C + c) * P, P);
    }
  });
  return dx;
}

/** ∂L/∂w of `conv3d` from x and dy → [M, C/G, kd, kh, kw], summed over the batch. */
export function conv3dWeightGrad(x: View, g: View, geom: ConvGeometry, algorithm: ConvAlgorithm): Float32Array {
  const [N, C, D] = x.shape;
  const M = g.shape[1];
  const [kd, kh, kw] = geom.kernel;
  const K = kh * kw;
  const rows = M * (C / geom.groups);
  const dw = new Float32Array(rows * kd * K);
  const plane = planeGeometry(geom);
  forEachDepthTap(N, D, geom, (n, kz, first, lo, count) => {
    const part = convWeightGrad(slices(x, n, first, count, geom.stride[0]), slices(g, n, lo, count, 1), plane, algorithm, "float32") as Float32Array;
    for (let r = 0; r < rows; r++) addInto(dw, (r * kd + kz) * K, part, r * K, K);
  });
  return dw;
}
