/**
 * Horizontal flips: `hflip` mirrors the width axis of an image [..., H, W];
 * `randomHorizontalFlip(p)` does so with probability p per call.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocArray } from "../../tensor/dtype.js";
import { defaultGenerator, type Generator } from "../../tensor/random.js";
import { ValueError } from "../../errors.js";
import { imagePlanes } from "./image.js";
import type { Transform } from "./transform.js";

/** The image mirrored left–right (a new tensor). */
export function hflip(image: Tensor): Tensor {
  const { data, planes, height, width } = imagePlanes("hflip", image);
  const out = allocArray(image.dtype, data.length);
  for (let row = 0, rows = planes * height; row < rows; row++) {
    const at = row * width;
    for (let x = 0; x < width; x++) out[at + x] = data[at + width - 1 - x];
  }
  return new Tensor(out, image.shape);
}

/**
 * A transform that mirrors the image with probability `p` (default 0.5, torchvision's
 * RandomHorizontalFlip), drawing from `generator`.
 */
export function randomHorizontalFlip(p = 0.5, options: { generator?: Generator } = {}): Transform {
  if (!(p >= 0 && p <= 1)) throw new ValueError(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  const g = options.generator ?? defaultGenerator;
  return (image) => (g.random() < p ? hflip(image) : image);
}
