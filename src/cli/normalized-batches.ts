/** Wraps a DataLoader so each batch's images are standardized per channel on the way out. */
import type { Tensor } from "../tensor/tensor.js";
import type { BatchSource } from "../train/fit.js";
import type { DataLoader } from "../data/dataloader.js";
import type { ImageBatch, ImageSample } from "../data/image-classification-dataset.js";
import { normalize } from "../data/transforms/normalize.js";

export interface NormalizedLoader extends BatchSource {
  readonly loader: DataLoader<ImageSample, ImageBatch>;
  readonly length: number;
}

export function normalizedBatches(loader: DataLoader<ImageSample, ImageBatch>, mean: readonly number[], std: readonly number[]): NormalizedLoader {
  const norm = normalize(mean, std);
  return {
    loader,
    length: loader.length,
    *[Symbol.iterator](): Iterator<readonly [Tensor, Tensor]> {
      for (const [x, y] of loader) yield [norm(x), y];
    },
  };
}
