/**
 * Builds an image classification dataset from a pair of parsed IDX files (images [N,H,W]
 * uint8, labels [N] uint8), as MNIST-style sets ship. Browser-safe: the Node loaders read the
 * files, a browser app can fetch them and call this directly.
 */
import { DataFormatError } from "./errors.js";
import type { IdxArray } from "./idx.js";
import { ImageClassificationDataset } from "./image-classification-dataset.js";
import type { Transform } from "./transforms/transform.js";

/** Options of `idxImageDataset`. */
export interface IdxImageDatasetOptions {
  /** Class names; labels must be below their count. */
  classes: readonly string[];
  /** Names the dataset in later error messages. */
  name?: string;
  transform?: Transform;
}

/**
 * An ImageClassificationDataset of [1,H,W] images (bytes, read as value/255) and their labels,
 * after checking that the two files match: uint8 data, 3-D images, 1-D labels, equal counts,
 * labels below the number of classes. Errors name the offending file.
 */
export function idxImageDataset(images: IdxArray, labels: IdxArray, options: IdxImageDatasetOptions): ImageClassificationDataset {
  const fail = (file: IdxArray, why: string) => new DataFormatError(`idxImageDataset: ${file.name}: ${why}`);
  if (images.dtype !== "uint8" || images.shape.length !== 3) {
    throw fail(images, `expected uint8 images of shape [N,H,W], got ${images.dtype} [${images.shape.join(",")}]`);
  }
  if (labels.dtype !== "uint8" || labels.shape.length !== 1) {
    throw fail(labels, `expected uint8 labels of shape [N], got ${labels.dtype} [${labels.shape.join(",")}]`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) {
    throw fail(labels, `has ${labels.shape[0]} labels but ${images.name} has ${n} images`);
  }
  const k = options.classes.length;
  const y = labels.data;
  for (let i = 0; i < n; i++) {
    if (y[i] >= k) throw fail(labels, `label ${y[i]} of sample ${i} is out of range for ${k} classes`);
  }
  return new ImageClassificationDataset({
    images: images.data as Uint8Array,
    labels: labels.data as Uint8Array,
    imageShape: [1, h, w],
    classes: options.classes,
    transform: options.transform,
    name: options.name ?? images.name,
  });
}
