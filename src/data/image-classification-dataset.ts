/**
 * ImageClassificationDataset: a whole image classification set in memory, as one typed array
 * of N·C·H·W pixels (NCHW order) plus N int32 labels, with the per-sample shape and the class
 * names. Pixels may be float32 (used as they are) or raw bytes (scaled by 1/255 on read, as
 * torchvision's ToTensor does), so byte datasets like CIFAR-10 stay 4× smaller in memory.
 *
 * Without a transform, `getBatch` copies the selected rows straight into one [B,C,H,W]
 * float32 buffer; with a transform, each sample is built, transformed and stacked.
 */
import { Tensor } from "../tensor/tensor.js";
import { ValueError, fmtShape } from "../errors.js";
import { checkIndex, type BatchDataset, type BatchIndices } from "./dataset.js";
import { defaultCollate } from "./collate.js";
import type { Transform } from "./transforms/transform.js";

/** One sample: an image [C,H,W] float32 and its class index. */
export type ImageSample = [image: Tensor, label: number];

/** A batch: images [B,C,H,W] float32 and labels [B] int32. */
export type ImageBatch = [images: Tensor, labels: Tensor];

/** Pixel storage: float32 values, or bytes that read as value/255. */
export type PixelArray = Float32Array | Uint8Array;

/** What an ImageClassificationDataset is made of. */
export interface ImageClassificationData {
  /** N·C·H·W pixels in NCHW order. */
  images: PixelArray;
  /** N class indices in [0, classes.length). */
  labels: Int32Array | Uint8Array | readonly number[];
  /** Shape of one image: [C, H, W]. */
  imageShape: readonly [number, number, number];
  /** Class names, index = label (default "0", "1", … up to the largest label). */
  classes?: readonly string[];
  /** Applied to each sample by `get` (and so by batches). */
  transform?: Transform;
  /** Names the dataset in error messages (e.g. "Fashion-MNIST train"). */
  name?: string;
}

/**
 * An in-memory image classification dataset.
 *
 * **Shape:** `get(i)` → [image [C,H,W], label]; `getBatch(idx)` → [[B,C,H,W] float32, [B] int32].
 *
 * @example
 * const ds = new ImageClassificationDataset({ images, labels, imageShape: [1, 28, 28] });
 * for (const [x, y] of new DataLoader(ds, { batchSize: 64, shuffle: true })) { … }
 */
export class ImageClassificationDataset implements BatchDataset<ImageSample, ImageBatch> {
  readonly images: PixelArray;
  readonly labels: Int32Array;
  readonly imageShape: readonly [number, number, number];
  readonly classes: readonly string[];
  readonly transform: Transform | undefined;
  readonly name: string;
  /** Elements per image (C·H·W). */
  readonly sampleSize: number;

  constructor(data: ImageClassificationData) {
    const name = data.name ?? "ImageClassificationDataset";
    const shape = data.imageShape;
    if (shape.length !== 3 || shape.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new ValueError(`${name}: imageShape must be [C,H,W] of positive integers, got ${fmtShape(shape)}`);
    }
    const sampleSize = shape[0] * shape[1] * shape[2];
    if (Array.isArray(data.labels)) {
      const bad = (data.labels as readonly number[]).findIndex((y) => !Number.isInteger(y));
      if (bad >= 0) throw new ValueError(`${name}: label ${data.labels[bad]} of sample ${bad} is not an integer class index`);
    }
    const labels = data.labels instanceof Int32Array ? data.labels : Int32Array.from(data.labels);
    const n = labels.length;
    if (data.images.length !== n * sampleSize) {
      throw new ValueError(
        `${name}: ${n} labels of images ${fmtShape(shape)} need ${n * sampleSize} pixels, got ${data.images.length}`,
      );
    }
    let maxLabel = -1;
    for (let i = 0; i < n; i++) {
      const y = labels[i];
      if (y < 0 || (data.classes !== undefined && y >= data.classes.length)) {
        throw new ValueError(
          `${name}: label ${y} of sample ${i} is out of range` +
            (data.classes ? ` for ${data.classes.length} classes` : " (labels must be ≥ 0)"),
        );
      }
      if (y > maxLabel) maxLabel = y;
    }
    this.images = data.images;
    this.labels = labels;
    this.imageShape = [shape[0], shape[1], shape[2]];
    this.classes = data.classes ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
    this.transform = data.transform;
    this.name = name;
    this.sampleSize = sampleSize;
  }

  get length(): number {
    return this.labels.length;
  }

  get numClasses(): number {
    return this.classes.length;
  }

  /** C of the [C,H,W] images. */
  get channels(): number {
    return this.imageShape[0];
  }

  /** H of the [C,H,W] images. */
  get height(): number {
    return this.imageShape[1];
  }

  /** W of the [C,H,W] images. */
  get width(): number {
    return this.imageShape[2];
  }

  /** The same samples (storage shared, nothing copied) with another transform, or none. */
  withTransform(transform: Transform | undefined): ImageClassificationDataset {
    return new ImageClassificationDataset({ ...this.data(), transform });
  }

  get(index: number): ImageSample {
    checkIndex(this.name, index, this.length);
    const out = new Float32Array(this.sampleSize);
    this.copyRow(index, out, 0);
    const image = new Tensor(out, this.imageShape);
    return [this.transform ? this.transform(image) : image, this.labels[index]];
  }

  getBatch(indices: BatchIndices): ImageBatch {
    if (this.transform) return defaultCollate(Array.from(indices, (i) => this.get(i)));
    const b = indices.length;
    const images = new Float32Array(b * this.sampleSize);
    const labels = new Int32Array(b);
    for (let k = 0; k < b; k++) {
      const i = indices[k];
      checkIndex(this.name, i, this.length);
      this.copyRow(i, images, k * this.sampleSize);
      labels[k] = this.labels[i];
    }
    return [new Tensor(images, [b, ...this.imageShape]), new Tensor(labels, [b])];
  }

  /** How many samples each class has. */
  classCounts(): number[] {
    const counts = new Array<number>(this.numClasses).fill(0);
    for (const y of this.labels) counts[y]++;
    return counts;
  }

  private data(): ImageClassificationData {
    const { images, labels, imageShape, classes, transform, name } = this;
    return { images, labels, imageShape, classes, transform, name };
  }

  /** Copies image `index` into `out` at `at`, scaling bytes to [0, 1]. */
  private copyRow(index: number, out: Float32Array, at: number): void {
    const start = index * this.sampleSize;
    const src = this.images;
    if (src instanceof Float32Array) {
      out.set(src.subarray(start, start + this.sampleSize), at);
      return;
    }
    for (let j = 0; j < this.sampleSize; j++) out[at + j] = src[start + j] / 255;
  }
}
