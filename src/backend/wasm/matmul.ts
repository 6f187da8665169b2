/**
 * The wasm backend's `matmul` kernel (the `Kernels.matmul` contract: a [B,M,K] × b [B,K,N] →
 * fresh contiguous [B,M,N], any strides) on the SIMD GEMM of assembly/sgemm.ts. Only float32
 * output from non-float64 storage runs in wasm; everything else goes to the reference kernel.
 */
import type { View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { layout, wasmRuntime } from "./loader.js";
import { span } from "./io.js";
import { partsFor, runTask } from "./thread-pool.js";

/** An operand placed in wasm memory: where its element (0,0,0) is, and its element strides. */
interface Placed {
  readonly base: number;
  readonly strides: readonly [number, number, number];
}

/**
 * How many floats `place` writes for v: the storage span as is (so the kernel's packing resolves
 * transposes and stride-0 broadcasts), unless the span is much larger than the view — a thin
 * slice of a big tensor — in which case only the view's elements, gathered contiguously.
 */
function placedSize(v: View): number {
  const { lo, hi } = span(v);
  const n = v.shape[0] * v.shape[1] * v.shape[2];
  return hi - lo + 1 <= 2 * n + 4096 ? hi - lo + 1 : n;
}

/** Writes v into heap at float index `at` (converting int32/bool storage); see `placedSize`. */
function place(v: View, heap: Float32Array, at: number): Placed {
  const { lo, hi } = span(v);
  const [d0, d1, d2] = v.shape;
  const [s0, s1, s2] = v.strides;
  if (placedSize(v) === hi - lo + 1) {
    heap.set(v.data.subarray(lo, hi + 1), at);
    return { base: (at + v.offset - lo) * 4, strides: [s0, s1, s2] };
  }
  let o = at;
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      const row = v.offset + i * s0 + j * s1;
      for (let k = 0; k < d2; k++) heap[o++] = v.data[row + k * s2];
    }
  }
  return { base: at * 4, strides: [d1 * d2, d2, 1] };
}

/**
 * Batched float32 matrix product through the SIMD GEMM, split over the batch or the rows across
 * the thread pool. Operands are copied into wasm memory per call and the result copied out (see
 * loader.ts for the zero-copy plan).
 */
export function matmul(a: View, b: View, outDtype: DType): TypedArray {
  if (outDtype !== "float32" || a.data instanceof Float64Array || b.data instanceof Float64Array) {
    return refKernels.matmul(a, b, outDtype);
  }
  const [B, M, K] = a.shape;
  const N = b.shape[2];
  const size = B * M * N;
  if (size === 0 || K === 0) return new Float32Array(size);

  const rt = wasmRuntime();
  const at = layout(rt, placedSize(a), placedSize(b), size);
  if (!at) return refKernels.matmul(a, b, outDtype);
  const [aAt, bAt, cAt] = at;
  const heap = rt.f32();
  const pa = place(a, heap, aAt / 4);
  const pb = place(b, heap, bAt / 4);

  let [sa0, sa1] = pa.strides;
  const sa2 = pa.strides[2];
  const [sb0, sb1, sb2] = pb.strides;
  let batch = B, rows = M;
  // b shared by the whole batch and a's batches stacked row after row (or one row each): one
  // (B·M)×K by K×N product, which packs b once and fills the row tiles of small-M batches.
  if (B > 1 && sb0 === 0 && (M === 1 || sa0 === M * sa1)) {
    if (M === 1) sa1 = sa0;
    sa0 = 0;
    batch = 1;
    rows = B * M;
  }
  const units = batch > 1 ? batch : Math.ceil(rows / 4);
  runTask("gemm", [batch, rows, N, K, pa.base, sa0, sa1, sa2, pb.base, sb0, sb1, sb2, cAt, 0], partsFor(2 * size * K, units));
  return heap.slice(cAt / 4, cAt / 4 + size);
}
