/**
 * Data loading, browser-safe: datasets, splits, the DataLoader, per-sample transforms, and
 * parsers of the IDX (MNIST family) and CIFAR-10 formats working on bytes. File loading that
 * needs Node (fs, zlib) lives in `data/node`.
 */
export { type Dataset, type BatchDataset, type BatchIndices, hasGetBatch } from "./dataset.js";
export { DataFormatError, DatasetNotFoundError } from "./errors.js";
export { TensorDataset } from "./tensor-dataset.js";
export { Subset } from "./subset.js";
export { randomSplit } from "./random-split.js";
export {
  ImageClassificationDataset, type ImageClassificationData, type ImageSample, type ImageBatch, type PixelArray,
} from "./image-classification-dataset.js";
export { defaultCollate, type Collated } from "./collate.js";
export { DataLoader, type DataLoaderOptions } from "./dataloader.js";
export { channelStats, type ChannelStats, type ImageLike } from "./channel-stats.js";
export { parseIdx, type IdxArray, type IdxDType } from "./idx.js";
export { idxImageDataset, type IdxImageDatasetOptions } from "./idx-images.js";
export { parseCifar10Batch, cifar10Dataset, type Cifar10Batch } from "./cifar10.js";
export { MNIST_CLASSES, FASHION_MNIST_CLASSES, CIFAR10_CLASSES } from "./classes.js";
export {
  compose, toTensor, normalize, hflip, randomHorizontalFlip, randomCrop,
  type Transform, type ImageDataLike, type RandomCropOptions,
} from "./transforms/index.js";
