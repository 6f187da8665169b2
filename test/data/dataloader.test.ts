import { test } from "node:test";
import assert from "node:assert/strict";
import { DataLoader, ImageClassificationDataset, TensorDataset, defaultCollate, type Dataset } from "../../src/data/index.js";
import { Generator, Tensor, arange, tensor, ShapeError, ValueError } from "../../src/index.js";

/** A plain dataset (no getBatch) whose sample i is [image filled with i, label i % 3]. */
class Plain implements Dataset<[Tensor, number]> {
  constructor(readonly length: number) {}
  get(i: number): [Tensor, number] {
    return [tensor(new Float32Array(2 * 2 * 2).fill(i), { shape: [2, 2, 2] }), i % 3];
  }
}

const firstPixels = (x: Tensor) => Array.from({ length: x.shape[0] }, (_, b) => x.select(0, b).toTypedArray()[0]);
const epoch = <B>(loader: Iterable<B>) => [...loader];

test("DataLoader: batches in order with NCHW float32 images and int32 labels", () => {
  const loader = new DataLoader(new Plain(10), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = epoch(loader);
  assert.equal(batches.length, 3);
  const [x, y] = batches[0];
  assert.deepEqual(x.shape, [4, 2, 2, 2]);
  assert.equal(x.dtype, "float32");
  assert.deepEqual(y.shape, [4]);
  assert.equal(y.dtype, "int32");
  assert.deepEqual(firstPixels(x), [0, 1, 2, 3]);
  assert.deepEqual([...y.toTypedArray()], [0, 1, 2, 0]);
  assert.deepEqual(batches.map(([b]) => b.shape[0]), [4, 4, 2]);
  assert.deepEqual(firstPixels(batches[2][0]), [8, 9]);
});

test("DataLoader: dropLast and lengths", () => {
  assert.equal(new DataLoader(new Plain(10), { batchSize: 4, dropLast: true }).length, 2);
  assert.deepEqual(epoch(new DataLoader(new Plain(10), { batchSize: 4, dropLast: true })).map(([x]) => x.shape[0]), [4, 4]);
  assert.equal(new DataLoader(new Plain(8), { batchSize: 4, dropLast: true }).length, 2);
  assert.equal(new DataLoader(new Plain(8), { batchSize: 4 }).length, 2);
  assert.equal(new DataLoader(new Plain(3), { batchSize: 4, dropLast: true }).length, 0);
  assert.equal(epoch(new DataLoader(new Plain(3), { batchSize: 4, dropLast: true })).length, 0);
  assert.equal(new DataLoader(new Plain(0)).length, 0);
  assert.equal(new DataLoader(new Plain(5)).length, 5);
  assert.throws(() => new DataLoader(new Plain(5), { batchSize: 0 }), ValueError);
  assert.throws(() => new DataLoader(new Plain(5), { batchSize: 2.5 }), /batchSize must be a positive integer, got 2.5/);
});

test("DataLoader: shuffle covers every sample once, new order each epoch, reproducible by seed", () => {
  const order = (loader: DataLoader<[Tensor, number]>) => epoch(loader).flatMap(([x]) => firstPixels(x));
  const a = new DataLoader(new Plain(20), { batchSize: 6, shuffle: true, generator: new Generator(7) });
  const b = new DataLoader(new Plain(20), { batchSize: 6, shuffle: true, generator: new Generator(7) });
  const a1 = order(a);
  const a2 = order(a);
  assert.deepEqual([...a1].sort((p, q) => p - q), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(a1, Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(a1, a2, "each epoch draws a new permutation");
  assert.deepEqual(order(b), a1);
  assert.deepEqual(order(b), a2);
  const c = new DataLoader(new Plain(20), { batchSize: 6, shuffle: true, generator: new Generator(8) });
  assert.notDeepEqual(order(c), a1);
});

test("DataLoader: the getBatch fast path gives the same batches as collating samples", () => {
  const images = Float32Array.from({ length: 7 * 3 * 2 * 2 }, (_, i) => i / 100);
  const ds = new ImageClassificationDataset({ images, labels: [0, 1, 2, 0, 1, 2, 0], imageShape: [3, 2, 2] });
  const fast = epoch(new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(1) }));
  const slow = epoch(new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(1), collate: (s) => defaultCollate(s) }));
  assert.equal(fast.length, 3);
  fast.forEach(([x, y], k) => {
    assert.deepEqual(x.shape, slow[k][0].shape);
    assert.deepEqual(x.toTypedArray(), slow[k][0].toTypedArray());
    assert.deepEqual(y.toTypedArray(), slow[k][1].toTypedArray());
    assert.equal(y.dtype, "int32");
  });
});

test("DataLoader: TensorDataset batches and a custom collate", () => {
  const x = arange(0, 12, 1, { dtype: "float32" }).reshape(6, 2);
  const y = arange(6);
  const ds = new TensorDataset(x, y);
  const [xb, yb] = epoch(new DataLoader(ds, { batchSize: 4 }))[1];
  assert.deepEqual(xb.toArray(), [[8, 9], [10, 11]]);
  assert.deepEqual(yb.toArray(), [4, 5]);
  const sums = epoch(new DataLoader(ds, { batchSize: 3, collate: (s) => s.reduce((acc, [xi]) => acc + xi.sum().item(), 0) }));
  assert.deepEqual(sums, [0 + 1 + 2 + 3 + 4 + 5, 6 + 7 + 8 + 9 + 10 + 11]);
});

test("defaultCollate: numbers, nested structures, and clear errors", () => {
  assert.equal(defaultCollate([1, 2, 3]).dtype, "int32");
  assert.equal(defaultCollate([1, 2.5]).dtype, "float32");
  assert.equal(defaultCollate([true, false]).dtype, "bool");
  const batch = defaultCollate([{ x: tensor([1, 2]), y: [3, 0.5] }, { x: tensor([3, 4]), y: [4, 1.5] }]);
  assert.deepEqual(batch.x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(batch.y[0].toArray(), [3, 4]);
  assert.deepEqual(batch.y[1].toArray(), [0.5, 1.5]);
  assert.throws(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])]), (e: unknown) =>
    e instanceof ShapeError && e.message.includes("sample 1 has shape [3], sample 0 has [2]"));
  assert.throws(() => defaultCollate([1, tensor([1])]), /sample 1 is a Tensor, sample 0 is a number/);
  assert.throws(() => defaultCollate([]), ValueError);
  assert.throws(() => defaultCollate(["a"]), /cannot collate sample of type string/);
});
