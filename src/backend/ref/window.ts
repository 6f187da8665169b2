/**
 * Reference sliding-window kernels (im2col/col2im for convolution, max/avg pooling) for any
 * number of spatial axes. All of them walk the same precomputed "lines": for each kernel tap
 * and each row of outputs along the last spatial axis, the run of outputs whose input position
 * lies inside the unpadded input. Padding is never read, so no bounds checks in inner loops.
 */
import type { View, WindowGeometry } from "../backend.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, numel } from "../../tensor/shape.js";

/** A run of `count` outputs: output offsets out0 + t, input offsets in0 + t·inStep (within one plane). */
interface Line {
  tap: number;
  out0: number;
  in0: number;
  count: number;
}

function windowLines(geom: WindowGeometry, inSpatial: readonly number[]): { lines: Line[]; inStep: number } {
  const D = inSpatial.length;
  const inStrides = contiguousStrides(inSpatial);
  const outStrides = contiguousStrides(geom.outSize);
  const last = D - 1;
  const lines: Line[] = [];
  const taps = numel(geom.kernel);
  const outerOut = numel(geom.outSize.slice(0, last));
  const kIdx = new Array<number>(D).fill(0);
  const oIdx = new Array<number>(D).fill(0);
  for (let tap = 0; tap < taps; tap++) {
    // kernel multi-index of this tap
    for (let d = D - 1, r = tap; d >= 0; d--) {
      kIdx[d] = r % geom.kernel[d];
      r = Math.floor(r / geom.kernel[d]);
    }
    // valid range of the last output axis for this tap
    const s = geom.stride[last];
    const shift = kIdx[last] * geom.dilation[last] - geom.padding[last];
    const lo = Math.max(0, Math.ceil(-shift / s));
    const hi = Math.min(geom.outSize[last] - 1, Math.floor((inSpatial[last] - 1 - shift) / s));
    if (hi < lo) continue;
    for (let q = 0; q < outerOut; q++) {
      for (let d = last - 1, r = q; d >= 0; d--) {
        oIdx[d] = r % geom.outSize[d];
        r = Math.floor(r / geom.outSize[d]);
      }
      let inOff = 0;
      let outOff = 0;
      let valid = true;
      for (let d = 0; d < last; d++) {
        const i = oIdx[d] * geom.stride[d] - geom.padding[d] + kIdx[d] * geom.dilation[d];
        if (i < 0 || i >= inSpatial[d]) {
          valid = false;
          break;
        }
        inOff += i * inStrides[d];
        outOff += oIdx[d] * outStrides[d];
      }
      if (!valid) continue;
      lines.push({ tap, out0: outOff + lo, in0: inOff + lo * s + shift, count: hi - lo + 1 });
    }
  }
  return { lines, inStep: geom.stride[last] };
}

/** x [N, C, ...in] contiguous → cols [N, C·taps, Πout]. */
export function im2col(x: View, geom: WindowGeometry): TypedArray {
  const [N, C] = x.shape;
  const inSpatial = x.shape.slice(2);
  const taps = numel(geom.kernel);
  const L = numel(geom.outSize);
  const P = numel(inSpatial);
  const cols = allocArray(dtypeOfArray(x.data), N * C * taps * L);
  const { lines, inStep } = windowLines(geom, inSpatial);
  const xd = x.data;
  for (let plane = 0; plane < N * C; plane++) {
    const xBase = x.offset + plane * P;
    const cBase = plane * taps * L;
    for (const { tap, out0, in0, count } of lines) {
      const o = cBase + tap * L + out0;
      const i = xBase + in0;
      for (let t = 0; t < count; t++) cols[o + t] = xd[i + t * inStep];
    }
  }
  return cols;
}

/** cols [N, C·taps, Πout] → sum into [N, C, ...inSpatial]. */
export function col2im(cols: View, channels: number, inSpatial: readonly number[], geom: WindowGeometry, outDtype: DType): TypedArray {
  const N = cols.shape[0];
  const taps = numel(geom.kernel);
  const L = numel(geom.outSize);
  const P = numel(inSpatial);
  const out = allocArray(outDtype, N * channels * P);
  const { lines, inStep } = windowLines(geom, inSpatial);
  const cd = cols.data;
  for (let plane = 0; plane < N * channels; plane++) {
    const xBase = plane * P;
    const cBase = cols.offset + plane * taps * L;
    for (const { tap, out0, in0, count } of lines) {
      const o = cBase + tap * L + out0;
      const i = xBase + in0;
      for (let t = 0; t < count; t++) out[i + t * inStep] += cd[o + t];
    }
  }
  return out;
}

export function maxPool(x: View, geom: WindowGeometry, mode: "max" | "min"): { values: TypedArray; indices: Int32Array } {
  const [N, C] = x.shape;
  const inSpatial = x.shape.slice(2);
  const L = numel(geom.outSize);
  const P = numel(inSpatial);
  const values = allocArray(dtypeOfArray(x.data), N * C * L);
  const indices = new Int32Array(N * C * L).fill(-1);
  const { lines, inStep } = windowLines(geom, inSpatial);
  const xd = x.data;
  const sign = mode === "max" ? 1 : -1;
  const best = new Float64Array(L);
  for (let plane = 0; plane < N * C; plane++) {
    const xBase = x.offset + plane * P;
    const oBase = plane * L;
    best.fill(-Infinity);
    // Taps come in kernel raster order and only a strictly better value replaces the winner,
    // so ties go to the first element of the window, as in PyTorch. The first element visited
    // always wins its window initially, so an all −∞ window reports it rather than index −1.
    for (const { out0, in0, count } of lines) {
      for (let t = 0; t < count; t++) {
        const i = in0 + t * inStep;
        const v = sign * xd[xBase + i];
        const o = out0 + t;
        if (v > best[o] || indices[oBase + o] === -1 || (Number.isNaN(v) && !Number.isNaN(best[o]))) {
          best[o] = v;
          indices[oBase + o] = i;
        }
      }
    }
    for (let o = 0; o < L; o++) values[oBase + o] = sign * best[o];
  }
  return { values, indices };
}

/** Per-output divisor of average pooling, as PyTorch computes it. */
function avgDivisors(inSpatial: readonly number[], geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): Float64Array {
  const L = numel(geom.outSize);
  const div = new Float64Array(L).fill(1);
  if (divisorOverride !== null) return div.fill(divisorOverride);
  const D = inSpatial.length;
  const outStrides = contiguousStrides(geom.outSize);
  for (let o = 0; o < L; o++) {
    let count = 1;
    for (let d = 0; d < D; d++) {
      const od = Math.floor(o / outStrides[d]) % geom.outSize[d];
      let start = od * geom.stride[d] - geom.padding[d];
      let end = Math.min(start + geom.kernel[d], inSpatial[d] + geom.padding[d]);
      const padded = end - start;
      start = Math.max(start, 0);
      end = Math.min(end, inSpatial[d]);
      count *= countIncludePad ? padded : end - start;
    }
    div[o] = count;
  }
  return div;
}

export function avgPool(x: View, geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray {
  const [N, C] = x.shape;
  const inSpatial = x.shape.slice(2);
  const L = numel(geom.outSize);
  const P = numel(inSpatial);
  const out = allocArray(dtypeOfArray(x.data), N * C * L);
  const div = avgDivisors(inSpatial, geom, countIncludePad, divisorOverride);
  const { lines, inStep } = windowLines(geom, inSpatial);
  const xd = x.data;
  const acc = new Float64Array(L);
  for (let plane = 0; plane < N * C; plane++) {
    const xBase = x.offset + plane * P;
    acc.fill(0);
    for (const { out0, in0, count } of lines) {
      for (let t = 0; t < count; t++) acc[out0 + t] += xd[xBase + in0 + t * inStep];
    }
    for (let o = 0; o < L; o++) out[plane * L + o] = acc[o] / div[o];
  }
  return out;
}

export function avgPoolGrad(g: View, inSpatial: readonly number[], geom: WindowGeometry, countIncludePad: boolean, divisorOverride: number | null): TypedArray {
  const [N, C] = g.shape;
  const L = numel(geom.outSize);
  const P = numel(inSpatial);
  const out = allocArray(dtypeOfArray(g.data), N * C * P);
  const div = avgDivisors(inSpatial, geom, countIncludePad, divisorOverride);
  const { lines, inStep } = windowLines(geom, inSpatial);
  const gd = g.data;
  for (let plane = 0; plane < N * C; plane++) {
    const gBase = g.offset + plane * L;
    const xBase = plane * P;
    for (const { out0, in0, count } of lines) {
      for (let t = 0; t < count; t++) out[xBase + in0 + t * inStep] += gd[gBase + out0 + t] / div[out0 + t];
    }
  }
  return out;
}
