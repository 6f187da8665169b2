import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatasetNotFoundError, FASHION_MNIST_CLASSES, DataLoader, channelStats } from "../../src/data/index.js";
import { FASHION_MNIST_DIR, loadFashionMnist, loadMnistIdx } from "../../src/data/node/index.js";
import { Generator } from "../../src/index.js";
import { tempDir, fakeMnist } from "./helpers.js";

const present = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));

function notFound(fn: () => unknown, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DatasetNotFoundError, String(e));
    for (const p of parts) assert.ok(e.message.includes(p), `message lacks ${JSON.stringify(p)}: ${e.message}`);
    return true;
  });
}

test("loadFashionMnist: a missing directory says where it looked, which files, and how to get them", () => {
  notFound(() => loadFashionMnist("/nonexistent/fmnist"),
    "loadFashionMnist", "directory /nonexistent/fmnist does not exist", "train-images-idx3-ubyte[.gz]", "t10k-labels-idx1-ubyte[.gz]",
    "apt-get install dataset-fashion-mnist", "pass a directory");
  notFound(() => loadMnistIdx("/nonexistent/mnist"), "loadMnistIdx", "/nonexistent/mnist", "train-labels-idx1-ubyte[.gz]", "loadMnistDigits()");
});

test("loadFashionMnist: a directory with some files lists the missing ones", () => {
  const t = tempDir("fmnist-partial");
  try {
    const f = fakeMnist(1, 28, 28, [0]);
    t.write("train-images-idx3-ubyte.gz", f.images, true);
    t.write("train-labels-idx1-ubyte.gz", f.labels, true);
    notFound(() => loadFashionMnist(t.dir), `${t.dir} lacks t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]`);
  } finally {
    t.cleanup();
  }
});

test("loadFashionMnist: the real files", { skip: present ? false : `Fashion-MNIST is not installed in ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist)` }, () => {
  const { train, test: te } = loadFashionMnist();
  assert.equal(train.length, 60000);
  assert.equal(te.length, 10000);
  assert.deepEqual(train.imageShape, [1, 28, 28]);
  assert.deepEqual(train.classes, FASHION_MNIST_CLASSES);
  // Fashion-MNIST is exactly balanced: 6000 and 1000 per class.
  assert.deepEqual(train.classCounts(), new Array(10).fill(6000));
  assert.deepEqual(te.classCounts(), new Array(10).fill(1000));
  const [x, y] = train.get(0);
  assert.deepEqual(x.shape, [1, 28, 28]);
  assert.equal(y, 9); // the first training image is an ankle boot
  const px = x.toTypedArray();
  assert.ok(px.every((v) => v >= 0 && v <= 1));
  assert.ok(px.some((v) => v > 0.5));
  const [xb, yb] = new DataLoader(te, { batchSize: 128, shuffle: true, generator: new Generator(0) })[Symbol.iterator]().next().value!;
  assert.deepEqual(xb.shape, [128, 1, 28, 28]);
  assert.deepEqual(yb.shape, [128]);
  // The commonly quoted training statistics (mean 0.2860, std 0.3530).
  const { mean, std } = channelStats(train);
  assert.ok(Math.abs(mean[0] - 0.286) < 5e-4 && Math.abs(std[0] - 0.353) < 5e-4, `${mean} ${std}`);
});
