/** Reference batched matrix product (i-k-j loop order so the inner loop runs along rows of b). */
import type { View } from "../backend.js";
import { allocArray, type DType, type TypedArray } from "../../tensor/dtype.js";

export function matmul(a: View, b: View, outDtype: DType): TypedArray {
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const out = allocArray(outDtype, B * M * N);
  const ad = a.data;
  const [sa0, sa1, sa2] = a.strides;
  const [sb0, sb1, sb2] = b.strides;
  // A row of b must be dense for the inner loop; copy a strided b once per batch if needed.
  const dense = sb2 === 1 ? null : allocArray(outDtype, K * N);
  for (let t = 0; t < B; t++) {
    let bd: TypedArray = b.data;
    let bBase = b.offset + t * sb0;
    let bRow = sb1;
    if (dense) {
      for (let k = 0; k < K; k++) for (let j = 0; j < N; j++) dense[k * N + j] = b.data[bBase + k * sb1 + j * sb2];
      bd = dense;
      bBase = 0;
      bRow = N;
    }
    const aBase = a.offset + t * sa0;
    // Skipping zeros of a (common after ReLU) is only exact when b is finite: 0·inf and 0·NaN are NaN.
    const skipZeros = allFinite(bd, bBase, K, N, bRow);
    for (let i = 0; i < M; i++) {
      const o = (t * M + i) * N;
      for (let k = 0; k < K; k++) {
        const aik = ad[aBase + i * sa1 + k * sa2];
        if (aik === 0 && skipZeros) continue;
        const r = bBase + k * bRow;
        for (let j = 0; j < N; j++) out[o + j] += aik * bd[r + j];
      }
    }
  }
  return out;
}

/** Whether every element of the K×N matrix at `base` (dense rows, row stride `row`) is finite. */
function allFinite(d: TypedArray, base: number, K: number, N: number, row: number): boolean {
  for (let k = 0; k < K; k++) {
    for (let j = 0, i = base + k * row; j < N; j++, i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}
