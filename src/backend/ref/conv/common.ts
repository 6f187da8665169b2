/**
 * Shared pieces of the reference convolution kernels: the applicability check (the rule itself
 * lives in backend/conv-applicability.ts, shared with the op-level "auto"), shape bookkeeping, and the kernel-table lookup that composite kernels (im2col, Winograd)
 * use to reach the fastest GEMM.
 */
import type { ConvAlgorithm, ConvGeometry, Kernels, View } from "../../backend.js";
import { convAlgorithmIssue } from "../../conv-applicability.js";
import { allocArray, type DType, type TypedArray } from "../../../tensor/dtype.js";
import { numel } from "../../../tensor/shape.js";
import { ValueError } from "../../../errors.js";
import { matmul as refMatmul } from "../matmul.js";
import { col2im as refCol2im, im2col as refIm2col } from "../window.js";

/** The sizes of one convolution, always from the forward convolution's point of view. */
export interface ConvDims {
  readonly N: number;
  readonly C: number;
  readonly M: number;
  readonly G: number;
  /** C/G and M/G. */
  readonly Cg: number;
  readonly Mg: number;
  readonly inSpatial: readonly number[];
  readonly geom: ConvGeometry;
}

export function convDims(N: number, C: number, M: number, inSpatial: readonly number[], geom: ConvGeometry): ConvDims {
  const G = geom.groups;
  return { N, C, M, G, Cg: C / G, Mg: M / G, inSpatial, geom };
}

/** Throws a ValueError naming the reason when `algorithm` does not apply (kernels must refuse, not guess). */
export function requireApplicable(algorithm: ConvAlgorithm, geom: ConvGeometry): void {
  const issue = convAlgorithmIssue(algorithm, geom);
  if (issue) throw new ValueError(`conv: ${algorithm} does not apply: ${issue}`);
}

/** Depthwise: one input channel per group (a channel multiplier of M/C is allowed). */
export const isDepthwise = (d: ConvDims): boolean => d.G > 1 && d.Cg === 1;

/** Pointwise 1×1, stride 1, no padding: the columns of im2col ARE the input, so no unfolding. */
export const isPointwise = (geom: ConvGeometry): boolean =>
  geom.kernel.every((k) => k === 1) && geom.stride.every((s) => s === 1) && geom.padding.every((p) => p === 0);

/** Taps per window and output positions per image. */
export const taps = (geom: ConvGeometry): number => numel(geom.kernel);
export const outPositions = (geom: ConvGeometry): number => numel(geom.outSize);

/**
 * The GEMM-level kernels a composite convolution kernel should use. Composite kernels are
 * called as methods of the active kernel table (`kernels().conv(...)`), so `this` is that
 * table: its `matmul` is the fastest one available (e.g. WebAssembly SIMD) even though this
 * code lives in the reference backend. Importing registry.ts here instead would create an
 * import cycle (registry → ref/index → here → registry) that breaks whenever ref/index is
 * loaded first. A detached call (no `this`) falls back to the reference kernels.
 */
export type GemmKernels = Pick<Kernels, "matmul" | "im2col" | "col2im">;

const refGemm: GemmKernels = { matmul: refMatmul, im2col: refIm2col, col2im: refCol2im };

export function gemmKernels(self: unknown): GemmKernels {
  const k = self as Partial<GemmKernels> | undefined;
  return k && typeof k.matmul === "function" && typeof k.im2col === "function" && typeof k.col2im === "function"
    ? (k as GemmKernels)
    : refGemm;
}

/** A view of a dense array as a [B, rows, cols] batch (optionally read transposed: [B, cols, rows]). */
export function batchView(data: TypedArray, offset: number, B: number, rows: number, cols: number, transposed = false): View {
  return transposed
    ? { data, shape: [B, cols, rows], strides: [rows * cols, 1, cols], offset }
    : { data, shape: [B, rows, cols], strides: [rows * cols, cols, 1], offset };
}

/** A contiguous view of a dense array with the given shape. */
export function denseView(data: TypedArray, shape: readonly number[], offset = 0): View {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return { data, shape, strides, offset };
}

export { allocArray, type DType, type TypedArray };
