/**
 * Reference softmax cross-entropy kernels (`Kernels.softmaxCrossEntropy` and its backward):
 * per position, the log-sum-exp of its class scores and the weighted, smoothed target
 * distribution wq, all in float64; outputs are rounded once, when stored.
 */
import type { ClassScoresLayout, ClassTarget, View } from "../backend.js";
import { allocArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { rowMajor } from "./elementwise.js";

/**
 * Returns a function that fills wq (c values) with w_k·q_k for position `pos`, whose classes
 * start at `base` with stride s; q is the target smoothed as (1 − ε)·q + ε/c.
 */
function targetFiller(
  L: ClassScoresLayout, target: ClassTarget, w: Float64Array | null, eps: number, wq: Float64Array,
): (pos: number, base: number) => void {
  const { c, s } = L;
  const uniform = eps / c;
  if ("probs" in target) {
    const td = rowMajor(target.probs);
    return (_pos, base) => {
      for (let k = 0; k < c; k++) wq[k] = (w ? w[k] : 1) * ((1 - eps) * td[base + k * s] + uniform);
    };
  }
  const cls = target.classes;
  return (pos) => {
    const y = cls[pos];
    if (y < 0) {
      wq.fill(0);
      return;
    }
    for (let k = 0; k < c; k++) wq[k] = (w ? w[k] : 1) * uniform;
    wq[y] += (w ? w[y] : 1) * (1 - eps);
  };
}

/** Per-position losses and log-sum-exp (`Kernels.softmaxCrossEntropy`). */
export function softmaxCrossEntropy(
  x: View, L: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
): { losses: Float64Array; lse: Float64Array } {
  const { n, c, s } = L;
  const xd = rowMajor(x);
  const wq = new Float64Array(c);
  const fillTarget = targetFiller(L, target, classWeight, labelSmoothing, wq);
  const lse = new Float64Array(n * s);
  const losses = new Float64Array(n * s);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s; j++) {
      const pos = i * s + j;
      const base = i * c * s + j;
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, xd[base + k * s]);
      let se = 0;
      for (let k = 0; k < c; k++) se += Math.exp(xd[base + k * s] - m);
      const l = m + Math.log(se);
      lse[pos] = l;
      fillTarget(pos, base);
      let loss = 0;
      // Zero-weight classes are skipped so a −∞ logit there cannot make 0·∞ = NaN.
      for (let k = 0; k < c; k++) if (wq[k] !== 0) loss += wq[k] * (l - xd[base + k * s]);
      losses[pos] = loss;
    }
  }
  return { losses, lse };
}

/** Gradients of `softmaxCrossEntropy` (`Kernels.softmaxCrossEntropyGrad`). */
export function softmaxCrossEntropyGrad(
  x: View, L: ClassScoresLayout, target: ClassTarget, classWeight: Float64Array | null, labelSmoothing: number,
  lse: Float64Array, scale: Float64Array, dxDtype: DType, targetGradDtype: DType | null,
): { dx: TypedArray; dTarget: TypedArray | null } {
  const { n, c, s } = L;
  const w = classWeight;
  const xd = rowMajor(x);
  const wq = new Float64Array(c);
  const fillTarget = targetFiller(L, target, w, labelSmoothing, wq);
  const dx = allocArray(dxDtype, n * c * s);
  const dt = "probs" in target && targetGradDtype ? allocArray(targetGradDtype, n * c * s) : null;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < s; j++) {
      const pos = i * s + j;
      const base = i * c * s + j;
      const sc = scale[pos];
      fillTarget(pos, base);
      let total = 0;
      for (let k = 0; k < c; k++) total += wq[k];
      const l = lse[pos];
      if (total !== 0) {
        for (let k = 0; k < c; k++) dx[base + k * s] = sc * (Math.exp(xd[base + k * s] - l) * total - wq[k]);
      }
      if (dt) for (let k = 0; k < c; k++) dt[base + k * s] = -sc * (1 - labelSmoothing) * (w ? w[k] : 1) * (xd[base + k * s] - l);
    }
  }
  return { dx, dTarget: dt };
}
