/**
 * randomCrop: a random size×size window of an image [..., H, W], after optional zero (or
 * `fill`) padding, as torchvision's RandomCrop. The padding is virtual: the window reads the
 * fill value outside the image instead of materializing a padded copy.
 */
import { Tensor } from "../../tensor/tensor.js";
import { allocArray } from "../../tensor/dtype.js";
import { defaultGenerator, type Generator } from "../../tensor/random.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { imagePlanes } from "./image.js";
import type { Transform } from "./transform.js";

/** Options of `randomCrop`. */
export interface RandomCropOptions {
  /**
   * Padding added before cropping: one number for all sides, [leftRight, topBottom], or
   * [left, top, right, bottom] (torchvision's order). Default 0.
   */
  padding?: number | readonly [number, number] | readonly [number, number, number, number];
  /** Value of padded pixels (default 0). */
  fill?: number;
  /** Stream the crop positions are drawn from (default: the global generator). */
  generator?: Generator;
}

/**
 * A transform returning a random crop of `size` (one number for a square, or [height, width]).
 *
 * **Shape:** [..., H, W] → [..., height, width]
 *
 * @example randomCrop(32, { padding: 4 }) // CIFAR-10 augmentation
 */
export function randomCrop(size: number | readonly [number, number], options: RandomCropOptions = {}): Transform {
  const [ch, cw] = typeof size === "number" ? [size, size] : size;
  if (![ch, cw].every((d) => Number.isInteger(d) && d > 0)) throw new ValueError(`randomCrop: size must be positive integers, got ${String(size)}`);
  const [left, top, right, bottom] = paddingSides(options.padding ?? 0);
  const fill = options.fill ?? 0;
  const g = options.generator ?? defaultGenerator;
  return (image) => {
    const { data, planes, height, width } = imagePlanes("randomCrop", image);
    const ph = height + top + bottom;
    const pw = width + left + right;
    if (ch > ph || cw > pw) {
      throw new ShapeError(`randomCrop: crop [${ch},${cw}] is larger than the padded image [${ph},${pw}] (input ${fmtShape(image.shape)})`);
    }
    // Window origin in input coordinates (may be negative: inside the padding).
    const y0 = g.randint(0, ph - ch + 1) - top;
    const x0 = g.randint(0, pw - cw + 1) - left;
    const out = allocArray(image.dtype, planes * ch * cw);
    for (let p = 0; p < planes; p++) {
      for (let y = 0; y < ch; y++) {
        const sy = y0 + y;
        const dst = (p * ch + y) * cw;
        const inside = sy >= 0 && sy < height;
        for (let x = 0; x < cw; x++) {
          const sx = x0 + x;
          out[dst + x] = inside && sx >= 0 && sx < width ? data[(p * height + sy) * width + sx] : fill;
        }
      }
    }
    return new Tensor(out, [...image.shape.slice(0, -2), ch, cw]);
  };
}

function paddingSides(padding: NonNullable<RandomCropOptions["padding"]>): [number, number, number, number] {
  const sides: number[] =
    typeof padding === "number" ? [padding, padding, padding, padding]
    : padding.length === 2 ? [padding[0], padding[1], padding[0], padding[1]]
    : [...padding];
  if (sides.length !== 4 || sides.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ValueError(`randomCrop: padding must be non-negative integers (1, 2 or 4 of them), got ${String(padding)}`);
  }
  return sides as [number, number, number, number];
}
