import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ImageClassificationDataset, Subset, TensorDataset, channelStats, hasGetBatch, randomSplit, type Dataset,
} from "../../src/data/index.js";
import { Generator, Tensor, arange, tensor, ShapeError, ValueError } from "../../src/index.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Dataset whose sample i is i. */
const numbers = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

test("TensorDataset: rows along dim 0, equal first dims checked", () => {
  const x = arange(0, 6, 1, { dtype: "float32" }).reshape(3, 2);
  const y = tensor([7, 8, 9], { dtype: "int32" });
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 3);
  const [xi, yi] = ds.get(2);
  assert.deepEqual(xi.toArray(), [4, 5]);
  assert.equal(yi.item(), 9);
  assert.deepEqual(yi.shape, []);
  const [xb, yb] = ds.getBatch([2, 0]);
  assert.deepEqual(xb.toArray(), [[4, 5], [0, 1]]);
  assert.deepEqual(yb.toArray(), [9, 7]);
  assert.throws(() => new TensorDataset(x, tensor([1, 2])), (e: unknown) =>
    e instanceof ShapeError && e.message.includes("[3,2], [2]"));
  assert.throws(() => ds.get(3), /TensorDataset: index 3 is out of range for a dataset of 3 samples/);
  assert.throws(() => new TensorDataset(), ValueError);
});

test("Subset: maps indices, checks them, forwards getBatch only when the base has it", () => {
  const s = new Subset(numbers(10), [9, 3, 4]);
  assert.equal(s.length, 3);
  assert.deepEqual(range(3).map((i) => s.get(i)), [9, 3, 4]);
  assert.equal(hasGetBatch(s), false);
  assert.throws(() => new Subset(numbers(10), [10]), /index 10 is out of range for a dataset of 10 samples/);
  assert.throws(() => s.get(3), /Subset: index 3/);
  const ds = new TensorDataset(arange(0, 5, 1, { dtype: "float32" }));
  const t = new Subset(ds, [4, 1]);
  assert.ok(hasGetBatch(t));
  const [b] = t.getBatch!([1, 0]) as Tensor[];
  assert.deepEqual(b.toArray(), [1, 4]);
});

test("randomSplit: counts and fractions, disjoint, covering, seeded", () => {
  const ds = numbers(10);
  const [a, b] = randomSplit(ds, [7, 3], new Generator(1));
  assert.equal(a.length, 7);
  assert.equal(b.length, 3);
  const all = [...a.indices, ...b.indices].sort((p, q) => p - q);
  assert.deepEqual(all, range(10));
  const [a2] = randomSplit(ds, [7, 3], new Generator(1));
  assert.deepEqual(a2.indices, a.indices);
  const [a3] = randomSplit(ds, [7, 3], new Generator(2));
  assert.notDeepEqual(a3.indices, a.indices);
  // Fractions: floor each (3, 3, 3), then the remainder 1 goes to the first split (PyTorch's rule).
  assert.deepEqual(randomSplit(ds, [1 / 3, 1 / 3, 1 / 3]).map((s) => s.length), [4, 3, 3]);
  assert.deepEqual(randomSplit(numbers(101), [0.9, 0.1]).map((s) => s.length), [91, 10]);
  assert.throws(() => randomSplit(ds, [5, 4]), /lengths \[5, 4\] sum to 9, but the dataset has 10 samples/);
  assert.throws(() => randomSplit(ds, [0.5, 0.2]), /neither integer counts nor fractions/);
  assert.throws(() => randomSplit(ds, [-1, 11]), /non-negative/);
});

test("ImageClassificationDataset: float and byte storage, batches copy rows", () => {
  const bytes = Uint8Array.from(range(2 * 1 * 2 * 2), (i) => i * 51); // 0, 51, …, 357 mod 256
  const ds = new ImageClassificationDataset({ images: bytes, labels: [1, 0], imageShape: [1, 2, 2], classes: ["a", "b"] });
  assert.equal(ds.numClasses, 2);
  assert.deepEqual([ds.channels, ds.height, ds.width], [1, 2, 2]);
  const [x, y] = ds.get(1);
  assert.deepEqual([...x.toTypedArray()], [204, 255, 306 % 256, 357 % 256].map((v) => Math.fround(v / 255)));
  assert.equal(y, 0);
  const [xb, yb] = ds.getBatch([1, 0, 1]);
  assert.deepEqual(xb.shape, [3, 1, 2, 2]);
  assert.deepEqual([...xb.toTypedArray().subarray(0, 4)], [...x.toTypedArray()]);
  assert.deepEqual([...yb.toTypedArray()], [0, 1, 0]);
  // get returns a copy: changing it leaves the dataset as it was.
  x.data[0] = 99;
  assert.notEqual(ds.get(1)[0].toTypedArray()[0], 99);
  const f = new ImageClassificationDataset({ images: new Float32Array([0.5, 1.5, -1, 2]), labels: new Int32Array([3, 0]), imageShape: [2, 1, 1] });
  assert.deepEqual(f.classes, ["0", "1", "2", "3"]);
  assert.deepEqual([...f.get(0)[0].toTypedArray()], [0.5, 1.5]);
});

test("ImageClassificationDataset: transform applies per sample and to batches", () => {
  const ds = new ImageClassificationDataset({ images: new Float32Array([1, 2, 3, 4]), labels: [0, 1], imageShape: [1, 1, 2] });
  const doubled = ds.withTransform((img) => img.mul(2));
  assert.equal(doubled.images, ds.images, "storage is shared");
  assert.deepEqual([...doubled.get(1)[0].toTypedArray()], [6, 8]);
  assert.deepEqual([...doubled.getBatch([1, 0])[0].toTypedArray()], [6, 8, 2, 4]);
  assert.deepEqual([...ds.get(1)[0].toTypedArray()], [3, 4]);
});

test("ImageClassificationDataset: bad construction and indices", () => {
  assert.throws(() => new ImageClassificationDataset({ images: new Float32Array(7), labels: [0, 1], imageShape: [1, 2, 2] }),
    /2 labels of images \[1,2,2\] need 8 pixels, got 7/);
  assert.throws(() => new ImageClassificationDataset({ images: new Float32Array(4), labels: [0, 2], imageShape: [1, 1, 2], classes: ["a", "b"], name: "toy" }),
    /toy: label 2 of sample 1 is out of range for 2 classes/);
  assert.throws(() => new ImageClassificationDataset({ images: new Float32Array(4), labels: [0, -1], imageShape: [1, 1, 2] }), /label -1/);
  assert.throws(() => new ImageClassificationDataset({ images: new Float32Array(4), labels: [0, 1.5], imageShape: [1, 1, 2] }), /label 1.5 of sample 1 is not an integer/);
  assert.throws(() => new ImageClassificationDataset({ images: new Float32Array(4), labels: [0], imageShape: [4, 1] as unknown as [number, number, number] }),
    /imageShape must be \[C,H,W\]/);
  const ds = new ImageClassificationDataset({ images: new Float32Array(4), labels: [0, 1], imageShape: [1, 1, 2], name: "toy" });
  assert.throws(() => ds.get(2), /toy: index 2 is out of range for a dataset of 2 samples/);
  assert.throws(() => ds.getBatch([0, 5]), /toy: index 5/);
  assert.throws(() => ds.get(0.5), ValueError);
});

test("channelStats: per-channel mean and population std, in chunks, through subsets", () => {
  // Channel 0 holds i, channel 1 holds 10·i for sample i (1×2 pixels each: i and i+1).
  const n = 5;
  const images = new Float32Array(n * 2 * 2);
  for (let i = 0; i < n; i++) images.set([i, i + 1, 10 * i, 10 * (i + 1)], i * 4);
  const ds = new ImageClassificationDataset({ images, labels: new Int32Array(n), imageShape: [2, 1, 2] });
  const ch0 = range(n).flatMap((i) => [i, i + 1]);
  const mean0 = ch0.reduce((s, v) => s + v, 0) / ch0.length;
  const std0 = Math.sqrt(ch0.reduce((s, v) => s + (v - mean0) ** 2, 0) / ch0.length);
  for (const batchSize of [1, 2, 1024]) {
    const { mean, std } = channelStats(ds, { batchSize });
    assert.ok(Math.abs(mean[0] - mean0) < 1e-12 && Math.abs(mean[1] - 10 * mean0) < 1e-12, `${mean}`);
    assert.ok(Math.abs(std[0] - std0) < 1e-12 && Math.abs(std[1] - 10 * std0) < 1e-10, `${std}`);
  }
  const sub = channelStats(new Subset(ds, [0]));
  assert.deepEqual(sub.mean, [0.5, 5]);
  assert.deepEqual(sub.std, [0.5, 5]);
  // A dataset of bare tensors without getBatch.
  const bare: Dataset<Tensor> = { length: 2, get: (i) => tensor([[[i, i]]]) };
  assert.deepEqual(channelStats(bare), { mean: [0.5], std: [0.5] });
  assert.throws(() => channelStats(numbers(0) as unknown as Dataset<Tensor>), /empty/);
});
