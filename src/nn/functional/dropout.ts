/**
 * Inverted dropout with PyTorch semantics: in training each element (dropout) or each whole
 * channel (dropout1d/2d/3d) is zeroed with probability p and the survivors are scaled by
 * 1/(1 − p), so the expected value is unchanged and evaluation is the identity. Masks are drawn
 * from a seedable Generator (the default one unless given), so runs are reproducible; the
 * product x · mask is an ordinary recorded multiply, whose gradient is g · mask.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { defaultGenerator, type Generator } from "../../tensor/random.js";
import { allocArray, floatType } from "../../tensor/dtype.js";
import { numel } from "../../tensor/shape.js";
import { fromKernel } from "../../ops/util.js";
import { mul, requireFloat } from "../../ops/elementwise.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";

/** Throws unless 0 ≤ p ≤ 1. */
export function checkDropoutP(label: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`${label}: dropout probability has to be between 0 and 1, got ${p}`);
}

/** x times a mask of `maskShape` (broadcast over x) holding 0 with probability p and 1/(1 − p) otherwise. */
function applyMask(x: Tensor, maskShape: readonly number[], p: number, generator: Generator): Tensor {
  const mask = allocArray(floatType(x.dtype), numel(maskShape));
  // p = 1 drops everything; the scale would be 1/0 and 0·∞ = NaN.
  const keep = p < 1 ? 1 / (1 - p) : 0;
  for (let i = 0; i < mask.length; i++) mask[i] = generator.random() < p ? 0 : keep;
  return mul(x, fromKernel(mask, maskShape));
}

/**
 * Zeroes each element with probability p and scales the rest by 1/(1 − p) when `training`;
 * returns x unchanged otherwise.
 *
 * **Shape:** any → same.
 *
 * @example const h = dropout(x, 0.5, model.training)
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  checkDropoutP("dropout", p);
  requireFloat("dropout", x);
  if (!training || p === 0) return x;
  return applyMask(x, x.shape, p, generator);
}

const LAYOUTS: Record<number, string> = { 1: "[N,C,L]", 2: "[N,C,H,W]", 3: "[N,C,D,H,W]" };

/**
 * Channel dropout shared by dropout1d/2d/3d and the Dropout1d/2d/3d layers: zeroes whole
 * channels x[n, c] of an input with `spatialDims` spatial dims (adjacent activations of a
 * feature map are strongly correlated, so element dropout barely regularizes them).
 * `label` names the caller in errors.
 */
export function featureDropout(
  label: string, x: Tensor, spatialDims: 1 | 2 | 3, p: number, training: boolean, generator: Generator,
): Tensor {
  checkDropoutP(label, p);
  requireFloat(label, x);
  if (x.ndim !== spatialDims + 2) {
    throw new ShapeError(`${label}: expected ${spatialDims + 2}-D input ${LAYOUTS[spatialDims]}, got ${fmtShape(x.shape)}`);
  }
  if (!training || p === 0) return x;
  return applyMask(x, [x.shape[0], x.shape[1], ...new Array<number>(spatialDims).fill(1)], p, generator);
}

/** Zeroes whole channels of [N, C, L] with probability p (scaling the rest by 1/(1 − p)) when training. **Shape:** [N, C, L] → same. */
export function dropout1d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout("dropout1d", x, 1, p, training, generator);
}

/** Zeroes whole channels of [N, C, H, W] with probability p (scaling the rest by 1/(1 − p)) when training. **Shape:** [N, C, H, W] → same. */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout("dropout2d", x, 2, p, training, generator);
}

/** Zeroes whole channels of [N, C, D, H, W] with probability p (scaling the rest by 1/(1 − p)) when training. **Shape:** [N, C, D, H, W] → same. */
export function dropout3d(x: Tensor, p = 0.5, training = true, generator: Generator = defaultGenerator): Tensor {
  return featureDropout("dropout3d", x, 3, p, training, generator);
}
