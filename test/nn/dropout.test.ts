import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, ones, arange, gradcheck, randn, manualSeed, Generator, ShapeError, ValueError, type Tensor } from "../../src/index.js";
import { dropout, dropout1d, dropout2d, dropout3d } from "../../src/nn/functional/dropout.js";
import { Dropout, Dropout2d } from "../../src/nn/layers/dropout.js";

const flat = (t: Tensor) => Array.from(t.toTypedArray());

describe("dropout", () => {
  it("zeroes a fraction ≈ p of the elements and scales the rest by exactly 1/(1 − p)", () => {
    for (const p of [0.1, 0.5, 0.8]) {
      const n = 20000;
      const x = arange(1, n + 1, 1, { dtype: "float64" });
      const y = flat(dropout(x, p, true, new Generator(1)));
      const zeros = y.filter((v) => v === 0).length;
      // Binomial(n, p): 5 standard deviations.
      assert.ok(Math.abs(zeros / n - p) < 5 * Math.sqrt((p * (1 - p)) / n), `p=${p}: zeroed fraction ${zeros / n}`);
      y.forEach((v, i) => {
        if (v !== 0) assert.equal(v, (i + 1) * (1 / (1 - p)));
      });
    }
  });

  it("float32 survivors are x·2 for p = 0.5", () => {
    const x = randn([1000], { generator: new Generator(3) });
    const y = flat(dropout(x, 0.5, true, new Generator(4)));
    const xs = flat(x);
    y.forEach((v, i) => assert.ok(v === 0 || v === xs[i] * 2));
  });

  it("is the identity when not training and for p = 0; p = 1 gives zeros", () => {
    const x = randn([4, 5]);
    assert.equal(dropout(x, 0.5, false), x);
    assert.equal(dropout(x, 0), x);
    assert.ok(flat(dropout(x, 1)).every((v) => v === 0));
  });

  it("masks are reproducible from a seed (explicit generator or manualSeed)", () => {
    const x = ones([50]);
    assert.deepEqual(flat(dropout(x, 0.5, true, new Generator(9))), flat(dropout(x, 0.5, true, new Generator(9))));
    assert.notDeepEqual(flat(dropout(x, 0.5, true, new Generator(9))), flat(dropout(x, 0.5, true, new Generator(10))));
    manualSeed(123);
    const a = flat(dropout(x, 0.5));
    manualSeed(123);
    assert.deepEqual(flat(dropout(x, 0.5)), a);
  });

  it("gradient is mask/(1 − p)", () => {
    const p = 0.25;
    const x = arange(1, 41, 1, { dtype: "float64" }).requiresGrad_();
    const y = dropout(x, p, true, new Generator(5));
    y.sum().backward();
    const ys = flat(y);
    assert.deepEqual(flat(x.grad!), ys.map((v) => (v === 0 ? 0 : 1 / (1 - p))));
    // With a fixed mask (fresh generator per call) the op passes a numerical check.
    assert.ok(gradcheck((xx) => dropout(xx, 0.3, true, new Generator(7)), [randn([3, 4]).requiresGrad_()]));
  });

  it("rejects p outside [0, 1]", () => {
    assert.throws(() => dropout(ones([2]), 1.5), (e: Error) =>
      e instanceof ValueError && e.message === "dropout: dropout probability has to be between 0 and 1, got 1.5");
    assert.throws(() => dropout(ones([2]), -0.1), ValueError);
    assert.throws(() => new Dropout(2), /Dropout: dropout probability has to be between 0 and 1, got 2/);
  });
});

describe("channel dropout", () => {
  it("dropout2d zeroes whole channels; fraction ≈ p; survivors scaled", () => {
    const [N, C, H, W] = [20, 50, 2, 3];
    const x = arange(1, N * C * H * W + 1, 1, { dtype: "float64" }).reshape(N, C, H, W);
    const y = flat(dropout2d(x, 0.4, true, new Generator(11)));
    let dropped = 0;
    for (let plane = 0; plane < N * C; plane++) {
      const vals = y.slice(plane * H * W, (plane + 1) * H * W);
      const zero = vals.every((v) => v === 0);
      if (zero) dropped++;
      else vals.forEach((v, j) => assert.equal(v, (plane * H * W + j + 1) * (1 / 0.6)));
    }
    const p = 0.4;
    const n = N * C;
    assert.ok(Math.abs(dropped / n - p) < 5 * Math.sqrt((p * (1 - p)) / n), `dropped fraction ${dropped / n}`);
  });

  it("dropout1d / dropout3d mask [N, C] over the spatial dims", () => {
    const y1 = dropout1d(ones([4, 6, 5]), 0.5, true, new Generator(1));
    for (const plane of (y1.toArray() as number[][][]).flat()) assert.ok(plane.every((v) => v === plane[0]));
    const y3 = flat(dropout3d(ones([2, 3, 2, 2, 2]), 0.5, true, new Generator(2)));
    for (let plane = 0; plane < 6; plane++) assert.equal(new Set(y3.slice(plane * 8, plane * 8 + 8)).size, 1);
  });

  it("checks the input rank", () => {
    assert.throws(() => dropout2d(ones([3, 4]), 0.5), (e: Error) =>
      e instanceof ShapeError && e.message === "dropout2d: expected 4-D input [N,C,H,W], got [3,4]");
    assert.throws(() => new Dropout2d(0.5).forward(ones([2, 3, 4])), /Dropout2d\(p=0.5\): expected 4-D input \[N,C,H,W\], got \[2,3,4\]/);
  });
});

describe("Dropout layers", () => {
  it("respect training mode and print like PyTorch", () => {
    const d = new Dropout(0.5, { generator: new Generator(3) });
    assert.equal(d.toString(), "Dropout(p=0.5, inplace=False)");
    const x = ones([200]);
    const yTrain = flat(d.forward(x));
    assert.ok(yTrain.some((v) => v === 0) && yTrain.some((v) => v === 2));
    d.eval();
    assert.equal(d.forward(x), x);
    assert.deepEqual(d.stateDict(), {});

    const d2 = new Dropout2d(0.25);
    assert.equal(d2.toString(), "Dropout2d(p=0.25, inplace=False)");
    d2.eval();
    const img = tensor([[[[1, 2], [3, 4]]]]);
    assert.equal(d2.forward(img), img);
  });
});
