/** Per-sample image transforms (torchvision-style) and `compose`. */
export { compose, type Transform } from "./transform.js";
export { toTensor, type ImageDataLike } from "./to-tensor.js";
export { normalize } from "./normalize.js";
export { hflip, randomHorizontalFlip } from "./flip.js";
export { randomCrop, type RandomCropOptions } from "./random-crop.js";
