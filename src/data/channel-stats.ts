/**
 * Per-channel mean and standard deviation of the images a dataset yields, for `normalize`.
 * Works batch by batch (through `getBatch` when the dataset has it) and merges the partial
 * statistics with Chan's parallel formula in float64, so large sets neither keep all pixels
 * in memory nor lose precision to E[x²] − E[x]² cancellation.
 */
import { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { hasGetBatch, type Dataset } from "./dataset.js";
import { defaultCollate } from "./collate.js";

/** Per-channel statistics. */
export interface ChannelStats {
  mean: number[];
  /** Population standard deviation (divides by the number of pixels). */
  std: number[];
}

/** Samples whose image is the sample itself or its first field. */
export type ImageLike = Tensor | readonly [Tensor, ...unknown[]];

/**
 * Mean and standard deviation per channel (dim 1 of the NCHW batches) over every pixel of
 * every sample, after the dataset's own transform if it has one.
 *
 * @example
 * const { mean, std } = channelStats(train); // Fashion-MNIST: mean ≈ [0.286], std ≈ [0.353]
 * const ds = train.withTransform(normalize(mean, std));
 */
export function channelStats(dataset: Dataset<ImageLike>, options: { batchSize?: number } = {}): ChannelStats {
  const n = dataset.length;
  if (n === 0) throw new ValueError("channelStats: the dataset is empty");
  const batchSize = options.batchSize ?? 1024;
  let count: number[] = [];
  let mean: number[] = [];
  let m2: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const indices = Int32Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    const images = batchImages(dataset, indices);
    if (images.ndim < 2) throw new ShapeError(`channelStats: expected image batches [N,C,...], got ${fmtShape(images.shape)}`);
    const c = images.shape[1];
    if (start === 0) {
      count = new Array<number>(c).fill(0);
      mean = new Array<number>(c).fill(0);
      m2 = new Array<number>(c).fill(0);
    } else if (c !== mean.length) {
      throw new ShapeError(`channelStats: batch at sample ${start} has ${c} channels, earlier ones ${mean.length}`);
    }
    mergeBatch(images, count, mean, m2);
  }
  return { mean, std: m2.map((v, k) => Math.sqrt(v / count[k])) };
}

function batchImages(dataset: Dataset<ImageLike>, indices: Int32Array): Tensor {
  const batch = hasGetBatch(dataset) ? dataset.getBatch(indices) : defaultCollate(Array.from(indices, (i) => dataset.get(i)));
  const images = Array.isArray(batch) ? batch[0] : batch;
  if (!(images instanceof Tensor)) throw new ValueError("channelStats: samples must be an image tensor or [image, ...]");
  return images;
}

/** Folds the pixels of one batch into the running (count, mean, M2) of each channel. */
function mergeBatch(images: Tensor, count: number[], mean: number[], m2: number[]): void {
  const data = images.contiguous().toTypedArray();
  const [n, c] = images.shape;
  const area = images.size / Math.max(n * c, 1);
  for (let k = 0; k < c; k++) {
    let sum = 0;
    for (let i = 0; i < n; i++) for (let j = (i * c + k) * area, end = j + area; j < end; j++) sum += data[j];
    const nb = n * area;
    if (nb === 0) continue;
    const mb = sum / nb;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      for (let j = (i * c + k) * area, end = j + area; j < end; j++) {
        const d = data[j] - mb;
        sq += d * d;
      }
    }
    const na = count[k];
    const total = na + nb;
    const delta = mb - mean[k];
    mean[k] += (delta * nb) / total;
    m2[k] += sq + (delta * delta * na * nb) / total;
    count[k] = total;
  }
}
