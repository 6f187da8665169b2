/**
 * normalize: per-channel standardization (x − mean[c]) / std[c] of an image [C,H,W] or a batch
 * [..., C, H, W], as torchvision's Normalize. Typically fed the statistics of `channelStats`.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocArray, isFloat } from "../../tensor/dtype.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../../errors.js";
import { imagePlanes } from "./image.js";
import type { Transform } from "./transform.js";

/**
 * A transform that subtracts `mean[c]` and divides by `std[c]` on channel c (dim −3).
 *
 * @example normalize([0.2860], [0.3530]) // Fashion-MNIST training statistics
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  if (mean.length === 0 || mean.length !== std.length) {
    throw new ValueError(`normalize: mean and std need one entry per channel, got ${mean.length} and ${std.length}`);
  }
  if (std.some((s) => !(s > 0) || !Number.isFinite(s))) throw new ValueError(`normalize: std must be positive, got [${std.join(", ")}]`);
  if (mean.some((m) => !Number.isFinite(m))) throw new ValueError(`normalize: mean must be finite, got [${mean.join(", ")}]`);
  return (image: Tensor) => {
    if (!isFloat(image.dtype)) throw new DTypeError(`normalize: expected a floating-point image, got ${image.dtype}`);
    const c = image.shape[image.ndim - 3];
    if (c !== mean.length) {
      throw new ShapeError(`normalize: ${mean.length} channel statistics do not fit an image of shape ${fmtShape(image.shape)} (${c ?? "no"} channels)`);
    }
    const { data, planes, height, width } = imagePlanes("normalize", image, 3);
    const area = height * width;
    const out = allocArray(image.dtype, data.length);
    for (let p = 0; p < planes; p++) {
      const m = mean[p % c];
      const s = std[p % c];
      for (let i = p * area, end = i + area; i < end; i++) out[i] = (data[i] - m) / s;
    }
    return new Tensor(out, image.shape);
  };
}
