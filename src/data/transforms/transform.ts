/**
 * The transform contract and `compose`. A transform maps one image sample, a float tensor
 * [C,H,W] (or [..., H, W] where noted), to a new tensor; it never changes its input, since
 * datasets may hand out tensors that share memory with other samples. Random transforms draw
 * from a Generator given at construction, so a seed fixes the augmentation sequence.
 */
import type { Tensor } from "../../tensor/tensor.js";

/** A per-sample transform. */
export type Transform = (image: Tensor) => Tensor;

/**
 * Applies `transforms` left to right (torchvision's `Compose`).
 *
 * @example
 * const augment = compose(randomCrop(32, { padding: 4 }), randomHorizontalFlip(), normalize(mean, std));
 */
export function compose(...transforms: Transform[]): Transform {
  return (image) => transforms.reduce((x, t) => t(x), image);
}
