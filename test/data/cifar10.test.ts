import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { CIFAR10_CLASSES, DataFormatError, DatasetNotFoundError, cifar10Dataset, parseCifar10Batch } from "../../src/data/index.js";
import { loadCifar10 } from "../../src/data/node/index.js";
import { tempDir } from "./helpers.js";

/** `labels.length` records; pixel j of record i is (i + j) mod 256. */
function cifarBytes(labels: readonly number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((y, i) => {
    out[i * 3073] = y;
    for (let j = 0; j < 3072; j++) out[i * 3073 + 1 + j] = (i + j) % 256;
  });
  return out;
}

test("parseCifar10Batch: labels and RGB planes", () => {
  const b = parseCifar10Batch(cifarBytes([3, 9]), "b.bin");
  assert.equal(b.count, 2);
  assert.deepEqual([...b.labels], [3, 9]);
  assert.equal(b.images.length, 2 * 3072);
  // Record 1: R plane starts at pixel 0, G at 1024, B at 2048.
  assert.equal(b.images[3072], 1);
  assert.equal(b.images[3072 + 1024], (1 + 1024) % 256);
  assert.equal(b.images[3072 + 2048 + 5], (1 + 2048 + 5) % 256);
});

test("parseCifar10Batch: bad length and bad label name the file", () => {
  const check = (bytes: Uint8Array, ...parts: string[]) =>
    assert.throws(() => parseCifar10Batch(bytes, "data_batch_1.bin"), (e: unknown) => {
      assert.ok(e instanceof DataFormatError);
      for (const p of ["data_batch_1.bin", ...parts]) assert.ok(e.message.includes(p), e.message);
      return true;
    });
  check(cifarBytes([1, 2]).subarray(0, 5000), "5000", "3073", "1 whole records and 1927 bytes left over");
  check(new Uint8Array(0), "length 0");
  const bad = cifarBytes([1, 2, 3]);
  bad[2 * 3073] = 10;
  check(bad, "label 10 of record 2");
});

test("cifar10Dataset: [3,32,32] samples scaled to [0,1], batches in order", () => {
  const ds = cifar10Dataset([parseCifar10Batch(cifarBytes([0, 1])), parseCifar10Batch(cifarBytes([7]))]);
  assert.equal(ds.length, 3);
  assert.deepEqual(ds.classes, CIFAR10_CLASSES);
  assert.deepEqual([...ds.labels], [0, 1, 7]);
  const [x, y] = ds.get(1);
  assert.deepEqual(x.shape, [3, 32, 32]);
  assert.equal(y, 1);
  const px = x.toTypedArray();
  assert.equal(px[0], Math.fround(1 / 255));
  assert.equal(px[254], 1);
  assert.equal(px[255], 0);
});

test("loadCifar10: a directory of fake batches, also through cifar-10-batches-bin", () => {
  const t = tempDir("cifar");
  try {
    const sub = join(t.dir, "cifar-10-batches-bin");
    mkdirSync(sub);
    for (let i = 1; i <= 5; i++) t.write(`cifar-10-batches-bin/data_batch_${i}.bin`, cifarBytes([i, i]));
    t.write("cifar-10-batches-bin/test_batch.bin", cifarBytes([0, 8, 9]));
    for (const dir of [t.dir, sub]) {
      const { train, test: te } = loadCifar10(dir);
      assert.equal(train.length, 10);
      assert.equal(te.length, 3);
      assert.deepEqual([...train.labels], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
      assert.deepEqual([...te.labels], [0, 8, 9]);
    }
  } finally {
    t.cleanup();
  }
});

test("loadCifar10: missing files say where it looked and what is missing", () => {
  const t = tempDir("cifar-missing");
  try {
    t.write("data_batch_1.bin", cifarBytes([1]));
    assert.throws(() => loadCifar10(t.dir), (e: unknown) => {
      assert.ok(e instanceof DatasetNotFoundError);
      for (const p of [t.dir, "lacks data_batch_2.bin", "test_batch.bin", "cifar-10-binary.tar.gz"]) assert.ok(e.message.includes(p), e.message);
      return true;
    });
  } finally {
    t.cleanup();
  }
});
