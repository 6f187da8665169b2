import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { DataFormatError, DatasetNotFoundError, idxImageDataset, parseIdx } from "../../src/data/index.js";
import { loadIdxFile, loadMnistIdx } from "../../src/data/node/index.js";
import { MNIST_CLASSES } from "../../src/data/classes.js";
import { fakeMnist, idxBytes, tempDir, ubyteIdx } from "./helpers.js";

test("parseIdx: 1-D ubyte", () => {
  const a = parseIdx(ubyteIdx([5], [3, 1, 4, 1, 5]), "labels");
  assert.equal(a.dtype, "uint8");
  assert.deepEqual(a.shape, [5]);
  assert.deepEqual([...a.data], [3, 1, 4, 1, 5]);
  assert.equal(a.name, "labels");
});

test("parseIdx: 3-D ubyte keeps row-major order", () => {
  const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
  const a = parseIdx(ubyteIdx([2, 3, 4], values), "images");
  assert.deepEqual(a.shape, [2, 3, 4]);
  assert.ok(a.data instanceof Uint8Array);
  assert.deepEqual([...a.data], values);
});

test("parseIdx: big-endian multi-byte types", () => {
  const body = new Uint8Array(4 * 2);
  const v = new DataView(body.buffer);
  v.setInt32(0, -123456, false);
  v.setInt32(4, 7, false);
  assert.deepEqual([...parseIdx(idxBytes(0x0c, [2], body)).data], [-123456, 7]);
  v.setFloat32(0, 1.5, false);
  v.setFloat32(4, -0.25, false);
  const f = parseIdx(idxBytes(0x0d, [1, 2], body));
  assert.equal(f.dtype, "float32");
  assert.deepEqual([...f.data], [1.5, -0.25]);
  const s = new Uint8Array(4);
  new DataView(s.buffer).setInt16(0, -2, false);
  new DataView(s.buffer).setInt16(2, 300, false);
  assert.deepEqual([...parseIdx(idxBytes(0x0b, [2], s)).data], [-2, 300]);
  assert.deepEqual([...parseIdx(idxBytes(0x09, [2], [0xff, 0x01])).data], [-1, 1]);
  const d = new Uint8Array(8);
  new DataView(d.buffer).setFloat64(0, Math.PI, false);
  assert.deepEqual([...parseIdx(idxBytes(0x0e, [1], d)).data], [Math.PI]);
});

test("parseIdx: works on a subarray with a byte offset", () => {
  const bytes = ubyteIdx([3], [7, 8, 9]);
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  assert.deepEqual([...parseIdx(padded.subarray(3), "x").data], [7, 8, 9]);
});

function throwsFormat(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DataFormatError, `expected DataFormatError, got ${String(e)}`);
    for (const p of parts) {
      if (typeof p === "string") assert.ok(e.message.includes(p), `message lacks ${JSON.stringify(p)}: ${e.message}`);
      else assert.match(e.message, p);
    }
    return true;
  });
}

test("parseIdx: wrong magic number", () => {
  const bad = ubyteIdx([2], [1, 2]);
  bad[0] = 0x12;
  throwsFormat(() => parseIdx(bad, "bad.idx"), "bad.idx", "magic number 0x12000801");
  throwsFormat(() => parseIdx(idxBytes(0x07, [2], [1, 2]), "t.idx"), "t.idx", "0x00000701");
  throwsFormat(() => parseIdx(new Uint8Array([0, 0]), "short.idx"), "short.idx", "too short");
  throwsFormat(() => parseIdx(gzipSync(ubyteIdx([1], [1])), "f.gz"), "f.gz", "gzip");
});

test("parseIdx: truncated data names the file and both lengths", () => {
  const full = ubyteIdx([2, 3, 4], new Array(24).fill(1));
  throwsFormat(() => parseIdx(full.subarray(0, full.length - 5), "cut.idx"), "cut.idx", "expected 40 bytes", "got 35 bytes", "truncated");
  // Truncated inside the header: the dims themselves are cut.
  throwsFormat(() => parseIdx(full.subarray(0, 10), "cut.idx"), "cut.idx", "too short for the header");
});

test("parseIdx: header dims that do not match the length", () => {
  throwsFormat(() => parseIdx(ubyteIdx([2, 2], [1, 2, 3, 4, 5]), "extra.idx"), "extra.idx", "expected 16 bytes", "got 17", "trailing");
  throwsFormat(() => parseIdx(ubyteIdx([3, 2], [1, 2, 3, 4]), "short.idx"), "expected 18 bytes", "got 16");
  const f = new Uint8Array(4 * 3);
  throwsFormat(() => parseIdx(idxBytes(0x0d, [4], f), "f32.idx"), "f32.idx", "float32", "expected 24 bytes", "got 20");
});

test("parseIdx: a lying huge header fails fast without allocating", () => {
  const before = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  // 2^31 images of 28×28 would be 1.6 TB: allocating would throw a RangeError, not this.
  throwsFormat(() => parseIdx(ubyteIdx([2 ** 31, 28, 28], new Array(100).fill(0)), "liar.idx"), "liar.idx", "expected 1683627180048 bytes", "got 116");
  throwsFormat(() => parseIdx(ubyteIdx([0xffffffff, 0xffffffff, 0xffffffff], [1]), "liar2.idx"), "liar2.idx", "[4294967295,4294967295,4294967295]");
  assert.ok(performance.now() - start < 100);
  assert.ok(process.memoryUsage().arrayBuffers - before < 1e6);
});

test("idxImageDataset: scaled [1,H,W] samples; mismatches name the file", () => {
  const { images, labels } = fakeMnist(3, 2, 2, [4, 0, 9]);
  const ds = idxImageDataset(parseIdx(images, "img"), parseIdx(labels, "lab"), { classes: MNIST_CLASSES });
  assert.equal(ds.length, 3);
  const [x, y] = ds.get(1);
  assert.deepEqual(x.shape, [1, 2, 2]);
  assert.deepEqual([...x.toTypedArray()], [7, 8, 9, 10].map((v) => Math.fround(v / 255)));
  assert.equal(y, 0);
  throwsFormat(() => idxImageDataset(parseIdx(images, "img"), parseIdx(ubyteIdx([2], [1, 2]), "lab2"), { classes: MNIST_CLASSES }),
    "lab2", "2 labels", "img has 3 images");
  throwsFormat(() => idxImageDataset(parseIdx(images, "img"), parseIdx(ubyteIdx([3], [1, 10, 2]), "lab3"), { classes: MNIST_CLASSES }),
    "lab3", "label 10 of sample 1", "10 classes");
  throwsFormat(() => idxImageDataset(parseIdx(labels, "lab"), parseIdx(labels, "lab"), { classes: MNIST_CLASSES }), "expected uint8 images");
});

test("loadIdxFile: raw and gzipped files (gzip detected by magic, not by name)", () => {
  const t = tempDir("idx");
  try {
    const bytes = ubyteIdx([2, 2], [1, 2, 3, 4]);
    for (const path of [t.write("a-idx2-ubyte", bytes), t.write("a.gz", bytes, true), t.write("gz-without-suffix", bytes, true)]) {
      const a = loadIdxFile(path);
      assert.deepEqual(a.shape, [2, 2]);
      assert.deepEqual([...a.data], [1, 2, 3, 4]);
      assert.equal(a.name, path);
    }
  } finally {
    t.cleanup();
  }
});

test("loadIdxFile: corrupt gzip, bad content and missing file name the file", () => {
  const t = tempDir("idx-bad");
  try {
    const gz = gzipSync(ubyteIdx([100], new Array(100).fill(3)));
    const cut = t.write("cut.gz", gz.subarray(0, gz.length - 10));
    throwsFormat(() => loadIdxFile(cut), cut, "does not decompress");
    const flipped = Uint8Array.from(gz);
    flipped[12] ^= 0xff;
    flipped[13] ^= 0xff;
    const bad = t.write("flipped.gz", flipped);
    throwsFormat(() => loadIdxFile(bad), bad, "gzip");
    const inner = t.write("inner.gz", ubyteIdx([5], [1, 2]), true);
    throwsFormat(() => loadIdxFile(inner), inner, "expected 13 bytes", "got 10");
    assert.throws(() => loadIdxFile(`${t.dir}/nope`), (e: unknown) => e instanceof DatasetNotFoundError && e.message.includes(`${t.dir}/nope`));
  } finally {
    t.cleanup();
  }
});

test("loadMnistIdx: a directory of fake files, gzipped and not", () => {
  const t = tempDir("mnist");
  try {
    const train = fakeMnist(4, 28, 28, [0, 1, 2, 9]);
    const test10k = fakeMnist(2, 28, 28, [5, 6]);
    t.write("train-images-idx3-ubyte.gz", train.images, true);
    t.write("train-labels-idx1-ubyte", train.labels);
    t.write("t10k-images.idx3-ubyte", test10k.images);
    t.write("t10k-labels-idx1-ubyte.gz", test10k.labels, true);
    const { train: tr, test: te } = loadMnistIdx(t.dir);
    assert.equal(tr.length, 4);
    assert.equal(te.length, 2);
    assert.deepEqual([...tr.labels], [0, 1, 2, 9]);
    assert.deepEqual(tr.get(3)[0].shape, [1, 28, 28]);
    assert.equal(tr.get(3)[0].toTypedArray()[0], Math.fround(21 / 255));
    assert.equal(tr.name, "MNIST train");
  } finally {
    t.cleanup();
  }
});

test("loadMnistIdx: label count ≠ image count, and label ≥ 10, name the labels file", () => {
  const t = tempDir("mnist-bad");
  try {
    const good = fakeMnist(3, 28, 28, [1, 2, 3]);
    t.write("t10k-images-idx3-ubyte", good.images);
    t.write("t10k-labels-idx1-ubyte", good.labels);
    t.write("train-images-idx3-ubyte", good.images);
    const labels = t.write("train-labels-idx1-ubyte", ubyteIdx([2], [1, 2]));
    throwsFormat(() => loadMnistIdx(t.dir), labels, "has 2 labels", "has 3 images");
    t.write("train-labels-idx1-ubyte", ubyteIdx([3], [1, 12, 2]));
    throwsFormat(() => loadMnistIdx(t.dir), labels, "label 12 of sample 1");
  } finally {
    t.cleanup();
  }
});
