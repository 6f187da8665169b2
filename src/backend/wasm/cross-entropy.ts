/**
 * The wasm backend's softmax cross-entropy kernels (`Kernels.softmaxCrossEntropy` and its
 * backward) for float32 class scores [n, c] (s = 1) with class-index targets, on
 * assembly/cross-entropy.ts; probability targets, s > 1, float64 and empty inputs go to the
 * reference kernels. The wasm computes in f64 with the reference's formulas and order and with
 * fdlibm's exp and log (V8's), so results equal the reference's on V8 and stay within a few
 * ulps of it on engines whose Math.exp and Math.log round differently.
 *
 * Operands are copied densely into wasm memory; class weights travel as f64 (ones when there
 * are none, the value the reference uses in their place).
 */
import type { ClassScoresLayout, ClassTarget, View } from "../backend.js";
import { refKernels } from "../ref/index.js";
import type { DType, TypedArray } from "../../tensor/dtype.js";
import { layout, wasmRuntime, type WasmRuntime } from "./loader.js";
import { putDense } from "./io.js";

/** Whether the wasm kernels take these operands: non-empty float32 [n, c] with class indices. */
const applies = (x: View, L: ClassScoresLayout, target: ClassTarget): target is { classes: Int32Array } =>
  L.s === 1 && L.n * L.c > 0 && x.data instanceof Float32Array && "classes" in target;

/** A float64 window of `n` values at byte address `at` of wasm memory (valid until it grows). */
const f64 = (rt: WasmRuntime, at: number, n: number): Float64Array => new Float64Array(rt.memory.buffer, at, n);

/** Copies x, the class indices and the class weights to the addresses given. */
function putOperands(
  rt: WasmRuntime, x: View, classes: Int32Array, classWeight: Float64Array | null, c: number, xAt: number, clsAt: number, wAt: number,
): void {
  putDense(x, rt.f32(), xAt / 4);
  rt.i32().set(classes, clsAt / 4);
  if (classWeight) f64(rt, wAt, c).set(classWeight);
  else f64(rt, wAt, c).fill(1);
}

/** Per-position losses and log-sum-exp (`Kernels.softmaxCrossEntropy`). */
export function softmaxCrossEntropy(
  x: View, L: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
): { losses: Float64Array; lse: Float64Array } {
  const fallback = () => refKernels.softmaxCrossEntropy(x, L, target, classWeight, labelSmoothing);
  if (!applies(x, L, target)) return fallback();
  const { n, c } = L;
  const rt = wasmRuntime();
  const at = layout(rt, n * c, n, 2 * c, 2 * n, 2 * n);
  if (!at) return fallback();
  const [xAt, clsAt, wAt, lossAt, lseAt] = at;
  putOperands(rt, x, target.classes, classWeight, c, xAt, clsAt, wAt);
  rt.crossEntropy.forward(n, c, xAt, clsAt, wAt, labelSmoothing, lossAt, lseAt);
  return { losses: f64(rt, lossAt, n).slice(), lse: f64(rt, lseAt, n).slice() };
}

/** Gradients of `softmaxCrossEntropy` (`Kernels.softmaxCrossEntropyGrad`); class targets have no dTarget. */
export function softmaxCrossEntropyGrad(
  x: View, L: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
  lse: Float64Array, scale: Float64Array, dxDtype: DType, targetGradDtype: DType | null,
): { dx: TypedArray; dTarget: TypedArray | null } {
  const fallback = () => refKernels.softmaxCrossEntropyGrad(x, L, target, classWeight, labelSmoothing, lse, scale, dxDtype, targetGradDtype);
  if (!applies(x, L, target) || dxDtype !== "float32") return fallback();
  const { n, c } = L;
  const rt = wasmRuntime();
  const at = layout(rt, n * c, n, 2 * c, 2 * n, 2 * n);
  if (!at) return fallback();
  const [xAt, clsAt, wAt, lseAt, scaleAt] = at;
  putOperands(rt, x, target.classes, classWeight, c, xAt, clsAt, wAt);
  f64(rt, lseAt, n).set(lse);
  f64(rt, scaleAt, n).set(scale);
  rt.crossEntropy.backward(n, c, xAt, clsAt, wAt, labelSmoothing, lseAt, scaleAt, xAt);
  return { dx: rt.f32().slice(xAt / 4, xAt / 4 + n * c), dTarget: null };
}
