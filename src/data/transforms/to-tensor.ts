/**
 * toTensor: raw 8-bit pixels → float32 image [C,H,W] in [0,1], as torchvision's ToTensor.
 * Bytes usually come in height-width-channel order (decoded images, canvas ImageData), so
 * that is the default layout; "CHW" input is only scaled.
 */
import { Tensor } from "../../tensor/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../../errors.js";

/** Pixels with their size, like a canvas ImageData (RGBA, HWC). */
export interface ImageDataLike {
  data: ArrayLike<number>;
  width: number;
  height: number;
}

/**
 * Scales bytes (0–255) to float32 in [0, 1] and lays them out as [C,H,W].
 *
 * @param pixels bytes, or an ImageData-like object (then shape and layout come from it: HWC)
 * @param shape [H,W,C] for layout "HWC" (default), [C,H,W] for "CHW", or [H,W] for one channel
 *
 * @example toTensor(ctx.getImageData(0, 0, 28, 28)) // [4,28,28]
 */
export function toTensor(pixels: ArrayLike<number> | ImageDataLike, shape?: readonly number[], layout: "HWC" | "CHW" = "HWC"): Tensor {
  let data: ArrayLike<number>;
  if (isImageData(pixels)) {
    data = pixels.data;
    const c = data.length / Math.max(pixels.width * pixels.height, 1);
    shape = [pixels.height, pixels.width, c];
    layout = "HWC";
  } else {
    data = pixels;
    if (shape === undefined) throw new ValueError("toTensor: a shape is needed for raw pixel arrays");
  }
  if (shape.length === 2) shape = layout === "HWC" ? [shape[0], shape[1], 1] : [1, shape[0], shape[1]];
  const size = shape.reduce((p, d) => p * d, 1);
  if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d < 0) || size !== data.length) {
    throw new ShapeError(`toTensor: shape ${fmtShape(shape)} (${layout}) does not fit ${data.length} pixels`);
  }
  const out = new Float32Array(size);
  if (layout === "CHW") {
    for (let i = 0; i < size; i++) out[i] = data[i] / 255;
    return new Tensor(out, [...shape]);
  }
  const [h, w, c] = shape;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k] / 255;
    }
  }
  return new Tensor(out, [c, h, w]);
}

function isImageData(p: ArrayLike<number> | ImageDataLike): p is ImageDataLike {
  return typeof (p as ImageDataLike).width === "number" && typeof (p as ImageDataLike).height === "number" && "data" in p;
}
