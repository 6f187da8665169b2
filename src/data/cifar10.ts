/**
 * CIFAR-10 binary format, browser-safe: a batch file is a sequence of 3073-byte records, one
 * label byte (0–9) then 3072 pixel bytes as three 32×32 planes R, G, B, which is already the
 * NCHW layout, so images are used as stored.
 */
import { DataFormatError } from "./errors.js";
import { CIFAR10_CLASSES } from "./classes.js";
import { ImageClassificationDataset } from "./image-classification-dataset.js";
import type { Transform } from "./transforms/transform.js";

const PIXELS = 3 * 32 * 32;
const RECORD = 1 + PIXELS;

/** One parsed CIFAR-10 batch file. */
export interface Cifar10Batch {
  name: string;
  /** Number of records. */
  count: number;
  /** count·3·32·32 bytes, NCHW. */
  images: Uint8Array;
  /** count labels in 0..9. */
  labels: Uint8Array;
}

/**
 * Parses one CIFAR-10 binary batch (e.g. `data_batch_1.bin`, 10000 records); `name` appears in
 * every error.
 */
export function parseCifar10Batch(bytes: Uint8Array, name = "CIFAR-10 batch"): Cifar10Batch {
  const fail = (why: string) => new DataFormatError(`parseCifar10Batch: ${name}: ${why}`);
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw fail(
      `length ${bytes.length} is not a positive multiple of the 3073-byte record (1 label byte + 3072 pixel bytes)` +
        (bytes.length > RECORD ? `: ${Math.floor(bytes.length / RECORD)} whole records and ${bytes.length % RECORD} bytes left over` : ""),
    );
  }
  const count = bytes.length / RECORD;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const at = i * RECORD;
    if (bytes[at] > 9) throw fail(`label ${bytes[at]} of record ${i} (byte ${at}) is out of range 0..9`);
    labels[i] = bytes[at];
    images.set(bytes.subarray(at + 1, at + RECORD), i * PIXELS);
  }
  return { name, count, images, labels };
}

/** One ImageClassificationDataset ([3,32,32] byte images read as value/255) from parsed batches. */
export function cifar10Dataset(batches: readonly Cifar10Batch[], options: { name?: string; transform?: Transform } = {}): ImageClassificationDataset {
  const total = batches.reduce((s, b) => s + b.count, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  for (const b of batches) {
    images.set(b.images, at * PIXELS);
    labels.set(b.labels, at);
    at += b.count;
  }
  return new ImageClassificationDataset({
    images, labels, imageShape: [3, 32, 32], classes: CIFAR10_CLASSES, transform: options.transform, name: options.name ?? "CIFAR-10",
  });
}
