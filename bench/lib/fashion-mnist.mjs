/**
 * The W1/W2 data for the JavaScript runners: the first `count` Fashion-MNIST training images
 * (IDX, gzip) scaled to [0, 1], or seeded random images and labels when no directory is given.
 * bench/systems/pytorch.py reads the same files the same way.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";

/** Where Debian's `dataset-fashion-mnist` puts the files. */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** The payload of an IDX file after its header (magic, then one uint32 per dimension). */
function idxPayload(path, expectedMagic) {
  const buf = gunzipSync(readFileSync(path));
  const magic = buf.readUInt32BE(0);
  if (magic !== expectedMagic) throw new Error(`${path}: IDX magic ${magic.toString(16)}, expected ${expectedMagic.toString(16)}`);
  return buf.subarray(4 + 4 * (magic & 0xff));
}

/**
 * `{ images: Float32Array(count·784), labels: Int32Array(count) }`, row-major 28×28 images.
 * `dir` null → deterministic pseudo-random data (throughput does not depend on the values).
 */
export function loadImages(dir, count) {
  const images = new Float32Array(count * 784);
  const labels = new Int32Array(count);
  if (dir) {
    const pixels = idxPayload(join(dir, "train-images-idx3-ubyte.gz"), 0x803);
    const classes = idxPayload(join(dir, "train-labels-idx1-ubyte.gz"), 0x801);
    for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
    for (let i = 0; i < count; i++) labels[i] = classes[i];
  } else {
    let seed = 1;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < images.length; i++) images[i] = next();
    for (let i = 0; i < count; i++) labels[i] = Math.floor(next() * 10);
  }
  return { images, labels };
}

/** The data cut into `count / batch` consecutive batches `{ x: Float32Array(batch·784), y: Int32Array(batch) }`. */
export function batches({ images, labels }, batch) {
  const out = [];
  for (let b = 0; (b + 1) * batch <= labels.length; b++) {
    out.push({ x: images.subarray(b * batch * 784, (b + 1) * batch * 784), y: labels.subarray(b * batch, (b + 1) * batch) });
  }
  return out;
}

/** A function returning the elements of `xs` in turn, round and round. */
export function cycle(xs) {
  let i = 0;
  return () => xs[i++ % xs.length];
}
