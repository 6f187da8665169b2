/**
 * Reference normalization kernels, shared by batch, instance, group and layer norm: x is read
 * in row-major order as rows (n, c) of S values and split into statistic groups (`NormLayout`).
 * Every kernel walks the rows once per pass and looks up the row's statistic in a per-channel
 * table, so rows of one value (BatchNorm1d, LayerNorm) cost a few array reads each. Statistics
 * and gradient sums accumulate in float64; outputs are rounded once, when stored.
 */
import type { NormLayout, View } from "../backend.js";
import { allocArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { rowMajor } from "./elementwise.js";

/** Number of statistics: C for batch norm, N·groups otherwise. */
export const statCount = (L: NormLayout): number => (L.groups ? L.N * L.groups : L.C);

/** Elements behind one statistic. */
export const perStat = (L: NormLayout): number => (L.groups ? (L.C / L.groups) * L.S : L.N * L.S);

/** Statistic of row (0, c) per channel; row (n, c) has statistic n·groups + that. */
function channelStats(L: NormLayout): Int32Array {
  const perGroup = L.groups ? L.C / L.groups : 1;
  const out = new Int32Array(L.C);
  for (let c = 0; c < L.C; c++) out[c] = Math.floor(c / perGroup);
  return out;
}

/** Biased mean and variance of each statistic group (`Kernels.normStats`). */
export function normStats(x: View, L: NormLayout): { mean: Float64Array; variance: Float64Array } {
  const { N, C, S, groups } = L;
  const xd = rowMajor(x);
  const statOf = channelStats(L);
  const K = statCount(L);
  const M = perStat(L);
  const mean = new Float64Array(K);
  const variance = new Float64Array(K);
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (const end = i + S; i < end; i++) s += xd[i];
      mean[n * groups + statOf[c]] += s;
    }
  }
  for (let k = 0; k < K; k++) mean[k] /= M;
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = n * groups + statOf[c];
      const m = mean[k];
      let q = 0;
      for (const end = i + S; i < end; i++) {
        const d = xd[i] - m;
        q += d * d;
      }
      variance[k] += q;
    }
  }
  for (let k = 0; k < K; k++) variance[k] /= M;
  return { mean, variance };
}

/** y = x·s + (β − μ·s) with s = invStd·γ per row (`Kernels.normalize`). */
export function normalize(
  x: View, L: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null, bias: View | null, outDtype: DType,
): TypedArray {
  const { N, C, S, groups } = L;
  const xd = rowMajor(x);
  const w = weight && rowMajor(weight);
  const b = bias && rowMajor(bias);
  const statOf = channelStats(L);
  const out = allocArray(outDtype, N * C * S);
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = n * groups + statOf[c];
      const scale = invStd[k] * (w ? w[c] : 1);
      const shift = (b ? b[c] : 0) - mean[k] * scale;
      for (const end = i + S; i < end; i++) out[i] = xd[i] * scale + shift;
    }
  }
  return out;
}

/**
 * Per statistic, the terms of dx = a·g + c0 + c1·x (a = invStd·γ): the analytic
 * dx = invStd·(γg − Σγg/M − x̂·Σγg·x̂/M) rearranged, from sumG = Σγg and sumGX = Σγg·x̂. Zero
 * when the statistics are constants (`statsFromInput` false).
 */
export function inputGradTerms(
  L: NormLayout, mean: Float64Array, invStd: Float64Array, sumG: Float64Array, sumGX: Float64Array, statsFromInput: boolean,
): { c0: Float64Array; c1: Float64Array } {
  const K = statCount(L);
  const M = perStat(L);
  const c0 = new Float64Array(K);
  const c1 = new Float64Array(K);
  if (statsFromInput) {
    for (let k = 0; k < K; k++) {
      const is = invStd[k];
      c1[k] = (-is * is * sumGX[k]) / M;
      c0[k] = (-is * sumG[k]) / M - mean[k] * c1[k];
    }
  }
  return { c0, c1 };
}

/** Gradients of `normalize` (`Kernels.normalizeGrad`). */
export function normalizeGrad(
  x: View, g: View, L: NormLayout, mean: Float64Array, invStd: Float64Array, weight: View | null,
  statsFromInput: boolean, dxDtype: DType | null,
): { dx: TypedArray | null; dWeight: Float64Array; dBias: Float64Array } {
  const { N, C, S, groups } = L;
  const xd = rowMajor(x);
  const gd = rowMajor(g);
  const w = weight && rowMajor(weight);
  const statOf = channelStats(L);
  const K = statCount(L);
  const dWeight = new Float64Array(C);
  const dBias = new Float64Array(C);
  // Per statistic: Σγg and Σγg·x̂, the statistics' share of dx.
  const sumG = new Float64Array(K);
  const sumGX = new Float64Array(K);
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = n * groups + statOf[c];
      const m = mean[k];
      let sg = 0;
      let sgx = 0;
      for (const end = i + S; i < end; i++) {
        sg += gd[i];
        sgx += gd[i] * (xd[i] - m);
      }
      const gx = sgx * invStd[k];
      const wc = w ? w[c] : 1;
      dBias[c] += sg;
      dWeight[c] += gx;
      sumG[k] += wc * sg;
      sumGX[k] += wc * gx;
    }
  }
  if (dxDtype === null) return { dx: null, dWeight, dBias };
  const { c0, c1 } = inputGradTerms(L, mean, invStd, sumG, sumGX, statsFromInput);
  const dx = allocArray(dxDtype, N * C * S);
  for (let n = 0, i = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const k = n * groups + statOf[c];
      const a = invStd[k] * (w ? w[c] : 1);
      const c0k = c0[k];
      const c1k = c1[k];
      for (const end = i + S; i < end; i++) dx[i] = a * gd[i] + c0k + c1k * xd[i];
    }
  }
  return { dx, dWeight, dBias };
}
