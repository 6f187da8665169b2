/**
 * Gradient clipping, applied between `backward()` and `optimizer.step()`, as PyTorch 1.13's
 * `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`. Both modify `.grad` in place and
 * skip parameters without a gradient.
 */
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/engine.js";
import { MyelinError, ValueError } from "../errors.js";
import type { FloatArray } from "./values.js";

function gradsOf(params: Tensor | Iterable<Tensor>, who: string): Tensor[] {
  if (params instanceof Tensor) params = [params];
  else if (params === null || typeof params !== "object" || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== "function") {
    throw new ValueError(`${who}: expected a Tensor or an iterable of Tensors, got ${String(params)}`);
  }
  const grads: Tensor[] = [];
  for (const p of params) {
    if (!(p instanceof Tensor)) throw new ValueError(`${who}: expected Tensors, got ${String(p)}`);
    if (p.grad) grads.push(p.grad);
  }
  return grads;
}

/** Replaces each element x of `g` by f(x), in place (dense loop when contiguous). */
function mapInPlace(g: Tensor, f: (x: number) => number, viaOps: (g: Tensor) => Tensor): void {
  if (g.isContiguous()) {
    const d = g.data.subarray(g.offset, g.offset + g.size) as FloatArray;
    for (let i = 0; i < d.length; i++) d[i] = f(d[i]);
  } else {
    noGrad(() => g.copy_(viaOps(g)));
  }
}

/**
 * Scales the gradients so that their joint norm (all gradients viewed as one vector) is at
 * most `maxNorm`: with total = ‖(g₁, g₂, …)‖_normType, each gradient is multiplied by
 * min(1, maxNorm / (total + 1e-6)). Returns the total norm before clipping.
 *
 * @param normType p of the p-norm (> 0), or Infinity for the largest |element|.
 * @param errorIfNonfinite Throw when the total norm is NaN or infinite instead of scaling by it.
 * @example loss.backward(); clipGradNorm_(model.parameters(), 1.0); opt.step();
 */
export function clipGradNorm_(params: Tensor | Iterable<Tensor>, maxNorm: number, normType = 2, errorIfNonfinite = false): number {
  const who = "clipGradNorm_";
  if (typeof maxNorm !== "number" || !(maxNorm >= 0)) throw new ValueError(`${who}: maxNorm should be a number ≥ 0, got ${String(maxNorm)}`);
  if (typeof normType !== "number" || !(normType > 0)) throw new ValueError(`${who}: normType should be a number > 0 or Infinity, got ${String(normType)}`);
  const grads = gradsOf(params, who);
  if (grads.length === 0) return 0;
  let acc = 0;
  for (const g of grads) {
    const d = g.toTypedArray();
    if (normType === Infinity) {
      for (let i = 0; i < d.length; i++) acc = Math.max(acc, Math.abs(d[i])); // NaN propagates
    } else if (normType === 2) {
      for (let i = 0; i < d.length; i++) acc += d[i] * d[i];
    } else {
      for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]) ** normType;
    }
  }
  const total = normType === Infinity ? acc : normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new MyelinError(`${who}: the total norm of order ${normType} of the gradients is ${total}, so it cannot be clipped; pass errorIfNonfinite = false to scale by it anyway`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1); // NaN stays NaN and poisons the grads, as in PyTorch
  if (coef !== 1) for (const g of grads) mapInPlace(g, (x) => x * coef, (t) => t.mul(coef));
  return total;
}

/**
 * Clamps every gradient element to [−clipValue, clipValue] in place (NaN stays NaN).
 *
 * @example loss.backward(); clipGradValue_(model.parameters(), 0.5); opt.step();
 */
export function clipGradValue_(params: Tensor | Iterable<Tensor>, clipValue: number): void {
  const who = "clipGradValue_";
  if (typeof clipValue !== "number" || !(clipValue >= 0)) throw new ValueError(`${who}: clipValue should be a number ≥ 0, got ${String(clipValue)}`);
  for (const g of gradsOf(params, who)) {
    mapInPlace(g, (x) => (x > clipValue ? clipValue : x < -clipValue ? -clipValue : x), (t) => t.clamp(-clipValue, clipValue));
  }
}
