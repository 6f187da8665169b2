import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, zeros, randn } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { Generator } from "../../src/tensor/random.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { DTypeError, ShapeError, ValueError } from "../../src/errors.js";
import { count, unravel } from "../core/helpers.js";
import {
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, avgPool3d, globalAvgPool2d, interpolate, maxPool1d,
  maxPool2d, maxPool3d, maxUnpool2d, minPool2d, sumPool2d, zeroInsertion2d,
} from "../../src/nn/functional/pooling.js";
import {
  AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool1d, AvgPool2d, AvgPool3d, GlobalAvgPool2d, MaxPool1d, MaxPool2d, MaxPool3d,
  MaxUnpool2d, MinPool2d, SumPool2d, Upsample, ZeroInsertion2d,
} from "../../src/nn/layers/pooling.js";

// ---- helpers and independent references (direct loops over every output) ----

const ravel = (idx: readonly number[], shape: readonly number[]) => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);
const flat = (t: Tensor) => Array.from(t.toTypedArray());

interface Ref {
  data: number[];
  shape: number[];
  indices: number[];
}

/** PyTorch's documented output size: ⌊ or ⌈ of (in + 2p − d(k−1) − 1)/s, + 1; with ceil, no window may start in the right padding. */
function refOutLen(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const q = (n + 2 * p - d * (k - 1) - 1) / s;
  let out = (ceil ? Math.ceil(q) : Math.floor(q)) + 1;
  if (ceil && (out - 1) * s >= n + p) out -= 1;
  return out;
}

interface PoolCfg {
  k: number[];
  s: number[];
  p: number[];
  d: number[];
  ceil: boolean;
}

/**
 * Walks every window tap of every output in raster order. Max/min keep the first strictly better
 * real element; avg sums real elements and divides by the taps inside the padded input
 * (countIncludePad), the real taps, or the override.
 */
function refPool(x: Tensor, g: PoolCfg, kind: "max" | "min" | "avg", cip = true, divisor: number | null = null): Ref {
  const [N, C, ...inS] = x.shape;
  const outS = inS.map((n, i) => refOutLen(n, g.k[i], g.s[i], g.p[i], g.d[i], g.ceil));
  const xs = flat(x);
  const data: number[] = [];
  const indices: number[] = [];
  for (let plane = 0; plane < N * C; plane++) {
    for (let o = 0; o < count(outS); o++) {
      const oi = unravel(o, outS);
      let best = kind === "max" ? -Infinity : Infinity;
      let at = -1;
      let sum = 0, real = 0, padded = 0;
      for (let t = 0; t < count(g.k); t++) {
        const ki = unravel(t, g.k);
        const pos = oi.map((v, dd) => v * g.s[dd] - g.p[dd] + ki[dd] * g.d[dd]);
        if (pos.every((q, dd) => q < inS[dd] + g.p[dd])) padded++;
        if (pos.some((q, dd) => q < 0 || q >= inS[dd])) continue;
        const v = xs[plane * count(inS) + ravel(pos, inS)];
        real++;
        sum += v;
        if ((kind === "max" && v > best) || (kind === "min" && v < best)) {
          best = v;
          at = ravel(pos, inS);
        }
      }
      if (kind === "avg") data.push(sum / (divisor ?? (cip ? padded : real)));
      else data.push(best);
      indices.push(at);
    }
  }
  return { data, shape: [N, C, ...outS], indices };
}

/** PyTorch's adaptive windows [⌊i·in/out⌋, ⌈(i+1)·in/out⌉) per axis; mean or (first) max. */
function refAdaptive(x: Tensor, out: number[], kind: "avg" | "max"): Ref {
  const [N, C, H, W] = x.shape;
  const xs = flat(x);
  const data: number[] = [];
  const indices: number[] = [];
  for (let pl = 0; pl < N * C; pl++) {
    for (let i = 0; i < out[0]; i++) for (let j = 0; j < out[1]; j++) {
      const [h0, h1] = [Math.floor((i * H) / out[0]), Math.ceil(((i + 1) * H) / out[0])];
      const [w0, w1] = [Math.floor((j * W) / out[1]), Math.ceil(((j + 1) * W) / out[1])];
      let sum = 0, best = -Infinity, at = -1;
      for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) {
        const v = xs[pl * H * W + h * W + w];
        sum += v;
        if (v > best) [best, at] = [v, h * W + w];
      }
      data.push(kind === "avg" ? sum / ((h1 - h0) * (w1 - w0)) : best);
      indices.push(at);
    }
  }
  return { data, shape: [N, C, ...out], indices };
}

function assertClose(got: Tensor, want: { data: number[]; shape: number[] }, tol = 1e-5): void {
  assert.deepEqual(got.shape, want.shape);
  flat(got).forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) <= tol * (1 + Math.abs(want.data[i])), `element ${i}: ${v} vs ${want.data[i]}`));
}

const gen = new Generator(4321);
const rnd = (shape: number[]) => randn(shape, { dtype: "float64", generator: gen });
const grid = (rows: number[][]) => tensor([[rows]]);
const rep = (v: number, D: number) => new Array<number>(D).fill(v);

// ---- the course's worked examples ----

describe("pooling: course worked examples (4x4 grids, 2x2 windows, stride 2)", () => {
  const a = grid([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]);
  const b = grid([[2, 0, 9, 1], [4, 6, 3, 7], [3, 1, 3, 0], [2, 2, 5, 8]]);
  it("max pooling", () => {
    assert.deepEqual(maxPool2d(a, 2).toArray(), [[[[6, 8], [3, 4]]]]);
    assert.deepEqual(maxPool2d(b, 2, { stride: 2 }).toArray(), [[[[6, 9], [3, 8]]]]);
    assert.deepEqual(new MaxPool2d(2).forward(b).toArray(), [[[[6, 9], [3, 8]]]]);
  });
  it("average pooling", () => {
    assert.deepEqual(avgPool2d(b, 2).toArray(), [[[[3, 5], [2, 4]]]]);
    assert.deepEqual(avgPool2d(a, 2).toArray(), [[[[3.25, 5.25], [2, 2]]]]);
  });
  it("min and sum pooling", () => {
    assert.deepEqual(minPool2d(a, 2).toArray(), [[[[1, 2], [1, 0]]]]);
    assert.deepEqual(sumPool2d(b, 2).toArray(), [[[[12, 20], [8, 16]]]]);
  });
  it("indices are flat positions within the plane; unpooling puts the maxima back", () => {
    const { values, indices } = maxPool2d(a, 2, { returnIndices: true });
    assert.equal(indices.dtype, "int32");
    assert.deepEqual(indices.toArray(), [[[[5, 7], [8, 15]]]]);
    assert.deepEqual(maxUnpool2d(values, indices, 2).toArray(), [[[[0, 0, 0, 0], [0, 6, 0, 8], [3, 0, 0, 0], [0, 0, 0, 4]]]]);
  });
  it("the max-pool gradient goes to the maxima, the average's is spread evenly", () => {
    const x = grid([[2, 0, 9, 1], [4, 6, 3, 7], [3, 1, 3, 0], [2, 2, 5, 8]]);
    x.requiresGrad = true;
    maxPool2d(x, 2).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[[[0, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1]]]]);
    const y = grid([[2, 0, 9, 1], [4, 6, 3, 7], [3, 1, 3, 0], [2, 2, 5, 8]]);
    y.requiresGrad = true;
    avgPool2d(y, 2).sum().backward();
    assert.deepEqual(y.grad!.toArray(), [[[rep(0.25, 4), rep(0.25, 4), rep(0.25, 4), rep(0.25, 4)]]]);
  });
});

// ---- forward against the references, 1-D/2-D/3-D ----

interface PoolCase extends PoolCfg {
  shape: number[];
}
const poolCases: PoolCase[] = [
  { shape: [2, 3, 9], k: [3], s: [2], p: [1], d: [1], ceil: false },
  { shape: [2, 2, 10], k: [4], s: [3], p: [2], d: [1], ceil: true },
  { shape: [1, 2, 11], k: [3], s: [2], p: [1], d: [2], ceil: true },
  { shape: [2, 2, 7, 6], k: [3, 2], s: [2, 2], p: [1, 1], d: [1, 1], ceil: true },
  { shape: [2, 3, 8, 9], k: [3, 3], s: [2, 3], p: [1, 0], d: [2, 1], ceil: false },
  { shape: [1, 2, 5, 5], k: [2, 2], s: [2, 2], p: [1, 0], d: [1, 1], ceil: true },
  { shape: [1, 2, 6, 5], k: [3, 3], s: [1, 1], p: [1, 1], d: [1, 1], ceil: false },
  { shape: [1, 2, 5, 6, 4], k: [2, 3, 2], s: [2, 2, 1], p: [1, 1, 0], d: [1, 1, 1], ceil: true },
  { shape: [2, 1, 6, 5, 7], k: [3, 2, 3], s: [2, 1, 3], p: [1, 0, 1], d: [2, 1, 1], ceil: false },
];
const maxFns = { 1: maxPool1d, 2: maxPool2d, 3: maxPool3d } as const;
const avgFns = { 1: avgPool1d, 2: avgPool2d, 3: avgPool3d } as const;
const dimsOf = (c: PoolCase) => (c.shape.length - 2) as 1 | 2 | 3;
const tag = (c: PoolCase) => `x ${c.shape.join("x")}, k ${c.k}, s ${c.s}, p ${c.p}, d ${c.d}, ceil ${c.ceil}`;

describe("maxPool1d/2d/3d: values and indices match a direct loop", () => {
  for (const c of poolCases) {
    it(tag(c), () => {
      const x = rnd(c.shape);
      const want = refPool(x, c, "max");
      const got = maxFns[dimsOf(c)](x, c.k, { stride: c.s, padding: c.p, dilation: c.d, ceilMode: c.ceil, returnIndices: true });
      assertClose(got.values, want);
      assert.deepEqual(flat(got.indices), want.indices);
    });
  }
  it("minPool2d is the min over each window (= −maxPool2d(−x))", () => {
    const c = poolCases[4];
    const x = rnd(c.shape);
    const o = { stride: c.s, padding: c.p, dilation: c.d, ceilMode: c.ceil };
    assertClose(minPool2d(x, c.k, o), refPool(x, c, "min"));
    assertClose(minPool2d(x, c.k, o), { data: flat(maxPool2d(x.neg(), c.k, o).neg()), shape: refPool(x, c, "min").shape });
  });
  it("ties go to the first element of the window; an all −∞ window reports its first element", () => {
    const x = tensor([[[3, 3, -Infinity, -Infinity, 1, 2]]]);
    assert.deepEqual(flat(maxPool1d(x, 2, { returnIndices: true }).indices), [0, 2, 5]);
  });
});

describe("avgPool1d/2d/3d and sumPool2d match a direct loop", () => {
  for (const c of poolCases) {
    for (const cip of [true, false]) {
      it(`${tag(c)}, countIncludePad ${cip}`, () => {
        const x = rnd(c.shape);
        const g = { ...c, d: rep(1, c.k.length) };
        assertClose(avgFns[dimsOf(c)](x, c.k, { stride: c.s, padding: c.p, ceilMode: c.ceil, countIncludePad: cip }), refPool(x, g, "avg", cip));
      });
    }
  }
  it("divisorOverride divides every window by the given number", () => {
    const c = poolCases[3];
    const x = rnd(c.shape);
    const g = { ...c, d: [1, 1] };
    assertClose(avgPool2d(x, c.k, { stride: c.s, padding: c.p, ceilMode: c.ceil, divisorOverride: 3 }), refPool(x, g, "avg", true, 3));
  });
  it("sumPool2d sums each window over the zero padding", () => {
    const c = poolCases[6];
    const x = rnd(c.shape);
    assertClose(sumPool2d(x, c.k, { stride: c.s, padding: c.p }), refPool(x, { ...c, d: [1, 1] }, "avg", true, 1));
  });
});

describe("adaptive and global pooling", () => {
  for (const [H, W, oh, ow] of [[5, 7, 3, 4], [6, 6, 4, 5], [7, 3, 2, 3], [4, 6, 2, 3], [3, 5, 5, 7]]) {
    it(`${H}x${W} → ${oh}x${ow}`, () => {
      const x = rnd([2, 3, H, W]);
      assertClose(adaptiveAvgPool2d(x, [oh, ow]), refAdaptive(x, [oh, ow], "avg"));
      const r = adaptiveMaxPool2d(x, [oh, ow], { returnIndices: true });
      const want = refAdaptive(x, [oh, ow], "max");
      assertClose(r.values, want);
      assert.deepEqual(flat(r.indices), want.indices);
    });
  }
  it("an int size applies to both axes; null keeps the input size", () => {
    const x = rnd([1, 2, 6, 4]);
    assert.deepEqual(adaptiveAvgPool2d(x, 3).shape, [1, 2, 3, 3]);
    assert.deepEqual(adaptiveMaxPool2d(x, [null, 2]).shape, [1, 2, 6, 2]);
  });
  it("globalAvgPool2d = mean over H, W with shape [N, C, 1, 1]", () => {
    const x = rnd([2, 3, 4, 5]);
    assertClose(globalAvgPool2d(x), refAdaptive(x, [1, 1], "avg"));
    assertClose(adaptiveAvgPool2d(x, [1, 1]), refAdaptive(x, [1, 1], "avg"));
  });
});

// ---- upsampling ----

describe("interpolate / upsample", () => {
  it("nearest with an integer scale factor repeats each pixel in an s x s block", () => {
    const x = rnd([2, 2, 3, 4]);
    const y = interpolate(x, { scaleFactor: 3 });
    assert.deepEqual(y.shape, [2, 2, 9, 12]);
    const xs = flat(x);
    flat(y).forEach((v, i) => {
      const [p, c, h, w] = unravel(i, y.shape);
      assert.equal(v, xs[ravel([p, c, Math.floor(h / 3), Math.floor(w / 3)], x.shape)]);
    });
  });
  it("nearest with an output size picks src = ⌊i·in/out⌋", () => {
    const x = tensor([[[[1, 2, 3], [4, 5, 6]]]]);
    assert.deepEqual(interpolate(x, { size: [3, 5] }).toArray(), [[[[1, 1, 2, 2, 3], [1, 1, 2, 2, 3], [4, 4, 5, 5, 6]]]]);
  });
  it("bilinear, alignCorners false (hand-computed)", () => {
    // sample positions per axis: max((i + ½)/2 − ½, 0) = 0, ¼, ¾, 1 (clamped at the last pixel)
    const x = tensor([[[[0, 4], [8, 0]]]]);
    assert.deepEqual(interpolate(x, { scaleFactor: 2, mode: "bilinear" }).toArray(), [[[
      [0, 1, 3, 4], [2, 2.25, 2.75, 3], [6, 4.75, 2.25, 1], [8, 6, 2, 0],
    ]]]);
  });
  it("bilinear, alignCorners true (hand-computed)", () => {
    // corners map onto corners: positions 0, ⅓, ⅔, 1; x = 1 + c + 2r is linear, so y = 1 + j/3 + 2i/3
    const x = tensor([[[[1, 2], [3, 4]]]], { dtype: "float64" });
    const y = interpolate(x, { size: 4, mode: "bilinear", alignCorners: true });
    assertClose(y, { shape: [1, 1, 4, 4], data: Array.from({ length: 16 }, (_, k) => 1 + (k % 4) / 3 + (2 * Math.floor(k / 4)) / 3) }, 1e-12);
    const z = interpolate(tensor([[[[0, 3, 6]]]]), { size: [2, 5], mode: "bilinear", alignCorners: true });
    assert.deepEqual(z.toArray(), [[[[0, 1.5, 3, 4.5, 6], [0, 1.5, 3, 4.5, 6]]]]);
  });
  it("linear (3-D input) downsampling", () => {
    // alignCorners false, in 4 → out 2: positions (i + ½)·2 − ½ = ½, 2½
    assert.deepEqual(interpolate(tensor([[[0, 2, 4, 10]]]), { size: 2, mode: "linear" }).toArray(), [[[1, 7]]]);
  });
  it("Upsample applies the same", () => {
    const x = rnd([1, 2, 3, 3]);
    assertClose(new Upsample({ scaleFactor: 2 }).forward(x), { data: flat(interpolate(x, { scaleFactor: 2 })), shape: [1, 2, 6, 6] });
    const b = new Upsample({ size: [5, 4], mode: "bilinear", alignCorners: true });
    assertClose(b.forward(x), { data: flat(interpolate(x, { size: [5, 4], mode: "bilinear", alignCorners: true })), shape: [1, 2, 5, 4] });
  });
});

// ---- unpooling ----

describe("zeroInsertion2d", () => {
  it("puts s − 1 zeros between pixels", () => {
    assert.deepEqual(zeroInsertion2d(tensor([[[[1, 2], [3, 4]]]]), 2).toArray(), [[[[1, 0, 2], [0, 0, 0], [3, 0, 4]]]]);
    assert.deepEqual(zeroInsertion2d(tensor([[[[1, 2], [3, 4]]]]), [1, 3]).toArray(), [[[[1, 0, 0, 2], [3, 0, 0, 4]]]]);
    assert.deepEqual(new ZeroInsertion2d(3).forward(rnd([2, 3, 4, 2])).shape, [2, 3, 10, 4]);
  });
  it("its gradient is upstream[::sH, ::sW]", () => {
    const x = zeros([1, 1, 2, 2], { requiresGrad: true });
    const up = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    zeroInsertion2d(x, 2).mul(up).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[[[1, 3], [7, 9]]]]);
  });
});

describe("maxUnpool2d", () => {
  it("round trip: unpool(maxPool(x)) keeps each window's max in place, zeros elsewhere", () => {
    const x = rnd([2, 3, 5, 7]);
    const { values, indices } = maxPool2d(x, 2, { returnIndices: true });
    const y = maxUnpool2d(values, indices, 2, { outputSize: x.shape });
    assert.deepEqual(y.shape, [2, 3, 5, 7]);
    const xs = flat(x);
    const want = xs.map((v, i) => {
      const [n, c, h, w] = unravel(i, x.shape);
      if (h >= 4 || w >= 6) return 0; // dropped by the floor output size
      const h0 = h - (h % 2), w0 = w - (w % 2);
      const win = [0, 1, 2, 3].map((t) => xs[ravel([n, c, h0 + (t >> 1), w0 + (t & 1)], x.shape)]);
      return v === Math.max(...win) ? v : 0;
    });
    assert.deepEqual(flat(y), want);
    assert.deepEqual(flat(maxPool2d(y.slice(2, 0, 4).slice(3, 0, 6).abs(), 2)), flat(values.abs()));
  });
  it("default output size (in − 1)·s − 2p + k; overlapping windows write a shared max once", () => {
    const x = tensor([[[[1, 5, 2], [0, 3, 4], [6, 1, 1]]]]);
    const { values, indices } = maxPool2d(x, 2, { stride: 1, returnIndices: true });
    assert.deepEqual(values.toArray(), [[[[5, 5], [6, 4]]]]);
    const y = maxUnpool2d(values, indices, 2, { stride: 1 });
    assert.deepEqual(y.toArray(), [[[[0, 5, 0], [0, 0, 4], [6, 0, 0]]]]);
    const v = values.detach();
    v.requiresGrad = true;
    maxUnpool2d(v, indices, 2, { stride: 1 }).mul(tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])).sum().backward();
    assert.deepEqual(v.grad!.toArray(), [[[[2, 2], [7, 6]]]]);
  });
  it("MaxUnpool2d with MaxPool2d(returnIndices) and unbatched input", () => {
    const x = rnd([3, 4, 4]);
    const { values, indices } = new MaxPool2d(2, { returnIndices: true }).forward(x);
    assert.deepEqual(values.shape, [3, 2, 2]);
    const y = new MaxUnpool2d(2).forward(values, indices);
    assert.deepEqual(y.shape, [3, 4, 4]);
    assert.ok(flat(maxPool2d(y, 2)).every((v, i) => v === 0 || v === flat(values)[i]));
  });
});

// ---- gradients ----

describe("gradcheck", () => {
  const G = (fn: (t: Tensor) => Tensor, shape: number[]) => () => {
    const x = rnd(shape);
    x.requiresGrad = true;
    assert.ok(gradcheck(fn, [x]));
  };
  it("maxPool1d", G((t) => maxPool1d(t, 3, { stride: 2, padding: 1, ceilMode: true }), [2, 2, 8]));
  it("maxPool2d (overlapping, dilated)", G((t) => maxPool2d(t, [3, 2], { stride: 1, padding: 1, dilation: [1, 2] }), [1, 2, 5, 6]));
  it("maxPool3d", G((t) => maxPool3d(t, 2, { stride: [1, 2, 2], ceilMode: true }), [1, 2, 3, 5, 4]));
  it("minPool2d", G((t) => minPool2d(t, 3, { stride: 2, padding: 1 }), [2, 1, 5, 5]));
  it("avgPool1d (countIncludePad false, ceil)", G((t) => avgPool1d(t, 3, { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }), [2, 2, 8]));
  it("avgPool2d", G((t) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true }), [1, 2, 6, 5]));
  it("avgPool3d (divisorOverride)", G((t) => avgPool3d(t, 2, { stride: 1, divisorOverride: 5 }), [1, 2, 3, 3, 4]));
  it("sumPool2d", G((t) => sumPool2d(t, 2, { padding: 1 }), [1, 2, 5, 4]));
  it("adaptiveAvgPool2d", G((t) => adaptiveAvgPool2d(t, [3, 4]), [1, 2, 5, 7]));
  it("adaptiveMaxPool2d", G((t) => adaptiveMaxPool2d(t, [3, 2]), [1, 2, 5, 7]));
  it("globalAvgPool2d", G((t) => globalAvgPool2d(t), [2, 3, 3, 2]));
  it("zeroInsertion2d", G((t) => zeroInsertion2d(t, [2, 3]), [1, 2, 3, 3]));
  it("interpolate nearest", G((t) => interpolate(t, { size: [5, 7] }), [1, 2, 3, 3]));
  it("interpolate bilinear", G((t) => interpolate(t, { scaleFactor: 1.7, mode: "bilinear" }), [1, 2, 3, 4]));
  it("interpolate bilinear alignCorners", G((t) => interpolate(t, { size: [5, 2], mode: "bilinear", alignCorners: true }), [1, 2, 3, 4]));
  it("interpolate linear / trilinear", () => {
    G((t) => interpolate(t, { size: 7, mode: "linear" }), [2, 2, 4])();
    G((t) => interpolate(t, { scaleFactor: 2, mode: "trilinear" }), [1, 1, 2, 3, 2])();
  });
  it("maxUnpool2d", () => {
    const { values, indices } = maxPool2d(rnd([2, 2, 4, 5]), 2, { returnIndices: true });
    const v = values.detach();
    v.requiresGrad = true;
    assert.ok(gradcheck((t) => maxUnpool2d(t, indices, 2, { outputSize: [4, 5] }), [v]));
  });
});

// ---- layers ----

describe("pooling layers", () => {
  it("print like PyTorch", () => {
    assert.equal(String(new MaxPool2d(2)), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    assert.equal(String(new MaxPool2d([2, 3], { returnIndices: true })), "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1, ceil_mode=False)");
    assert.equal(String(new MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true })), "MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=True)");
    assert.equal(String(new MaxPool3d(2)), "MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    assert.equal(String(new AvgPool2d(2)), "AvgPool2d(kernel_size=2, stride=2, padding=0)");
    assert.equal(String(new AvgPool1d(3)), "AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))");
    assert.equal(String(new AvgPool3d(2, { divisorOverride: 3 })), "AvgPool3d(kernel_size=2, stride=2, padding=0)");
    assert.equal(String(new AdaptiveAvgPool2d([1, 1])), "AdaptiveAvgPool2d(output_size=(1, 1))");
    assert.equal(String(new AdaptiveMaxPool2d(3)), "AdaptiveMaxPool2d(output_size=3)");
    assert.equal(String(new MaxUnpool2d(2)), "MaxUnpool2d(kernel_size=(2, 2), stride=(2, 2), padding=(0, 0))");
    assert.equal(String(new Upsample({ scaleFactor: 2 })), "Upsample(scale_factor=2.0, mode=nearest)");
    assert.equal(String(new Upsample({ size: [3, 4], mode: "bilinear" })), "Upsample(size=(3, 4), mode=bilinear)");
    assert.equal(String(new MinPool2d(2)), "MinPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
    assert.equal(String(new SumPool2d(3, { stride: 1, padding: 1 })), "SumPool2d(kernel_size=3, stride=1, padding=1)");
    assert.equal(String(new GlobalAvgPool2d()), "GlobalAvgPool2d()");
    assert.equal(String(new ZeroInsertion2d([2, 3])), "ZeroInsertion2d(stride=(2, 3))");
  });
  it("have no parameters or state", () => {
    for (const m of [new MaxPool2d(2), new AvgPool2d(2), new AdaptiveAvgPool2d(1), new Upsample({ scaleFactor: 2 }), new MaxUnpool2d(2)]) {
      assert.equal(m.parameters().length, 0);
      assert.deepEqual(Object.keys(m.stateDict()), []);
    }
  });
  it("forward equals the functional form", () => {
    const x = rnd([2, 3, 7, 6]);
    const o = { stride: [2, 1], padding: 1, ceilMode: true };
    assert.deepEqual(flat(new MaxPool2d(3, o).forward(x)), flat(maxPool2d(x, 3, o)));
    assert.deepEqual(flat(new MinPool2d(3, o).forward(x)), flat(minPool2d(x, 3, o)));
    assert.deepEqual(flat(new AvgPool2d(3, { ...o, countIncludePad: false }).forward(x)), flat(avgPool2d(x, 3, { ...o, countIncludePad: false })));
    assert.deepEqual(flat(new SumPool2d(3, o).forward(x)), flat(sumPool2d(x, 3, o)));
    assert.deepEqual(flat(new AdaptiveMaxPool2d([4, 4]).forward(x)), flat(adaptiveMaxPool2d(x, [4, 4])));
    assert.deepEqual(new AdaptiveMaxPool2d([2, 2], { returnIndices: true }).forward(x).indices.shape, [2, 3, 2, 2]);
    assert.deepEqual(flat(new GlobalAvgPool2d().forward(x)), flat(globalAvgPool2d(x)));
    assert.deepEqual(new MaxPool1d(2).forward(rnd([2, 5])).shape, [2, 2]);
  });
  it("unbatched [C, ...spatial] inputs work like a batch of one", () => {
    const x = rnd([3, 6, 5]);
    assert.deepEqual(flat(maxPool2d(x, 2)), flat(maxPool2d(x.unsqueeze(0), 2)));
    assert.deepEqual(avgPool2d(x, 2).shape, [3, 3, 2]);
    assert.deepEqual(adaptiveAvgPool2d(x, 2).shape, [3, 2, 2]);
    assert.deepEqual(globalAvgPool2d(x).shape, [3, 1, 1]);
    assert.deepEqual(zeroInsertion2d(x, 2).shape, [3, 11, 9]);
  });
});

// ---- errors ----

describe("pooling errors name the layer and the shapes", () => {
  it("wrong rank", () => {
    assert.throws(() => new MaxPool2d(2).forward(zeros([4, 4])), (e: Error) => e instanceof ShapeError && /MaxPool2d: expected 3-D \(unbatched\) or 4-D \(batched\) input \[N, C, H, W\], got \[4,4\]/.test(e.message));
    assert.throws(() => maxPool1d(zeros([1, 2, 3, 4]), 2), /maxPool1d: expected 2-D \(unbatched\) or 3-D \(batched\) input \[N, C, L\], got \[1,2,3,4\]/);
    assert.throws(() => interpolate(zeros([1, 2, 4]), { size: 3, mode: "bilinear" }), /interpolate: mode "bilinear" expects a 4-D input \[N, C, H, W\], got \[1,2,4\]/);
  });
  it("kernel larger than the padded input", () => {
    assert.throws(() => maxPool2d(zeros([1, 1, 2, 5]), 3), (e: Error) => e instanceof ShapeError && /maxPool2d: kernel 3x3 is larger than the padded input 2x5 \(input \[1,1,2,5\]/.test(e.message));
    assert.throws(() => new AvgPool1d(4, { padding: 1 }).forward(zeros([1, 1, 1])), /AvgPool1d: kernel 4 is larger than the padded input 3/);
    assert.throws(() => maxPool1d(zeros([1, 1, 4]), 3, { dilation: 2 }), /kernel 3 \(dilated 5\) is larger than the padded input 4/);
  });
  it("padding more than half the kernel", () => {
    assert.throws(() => maxPool2d(zeros([1, 1, 8, 8]), 2, { padding: 2 }), (e: Error) => e instanceof ValueError && /maxPool2d: padding should be at most half of the kernel size, got padding \(2, 2\) and kernel size \(2, 2\)/.test(e.message));
    assert.throws(() => new MaxPool2d(3, { padding: [1, 2] }), /MaxPool2d: padding should be at most half/);
    assert.throws(() => new AvgPool2d(0), /AvgPool2d: kernelSize must be 2 positive integers/);
  });
  it("non-positive output sizes", () => {
    assert.throws(() => interpolate(zeros([1, 1, 4, 4]), { scaleFactor: 0.2 }), /interpolate: output size 0x0 is not positive \(input \[1,1,4,4\]/);
    assert.throws(() => interpolate(zeros([1, 1, 4, 4]), { scaleFactor: -1 }), /interpolate: scaleFactor must be 2 positive numbers/);
    assert.throws(() => adaptiveAvgPool2d(zeros([1, 1, 4, 4]), [0, 2]), /adaptiveAvgPool2d: outputSize must be 2 positive integers/);
    assert.throws(() => new Upsample({ size: 0 }).forward(zeros([1, 1, 4, 4])), /Upsample: size must be 2 positive integers/);
  });
  it("interpolate options", () => {
    assert.throws(() => interpolate(zeros([1, 1, 4, 4]), {}), /interpolate: give exactly one of size and scaleFactor/);
    assert.throws(() => new Upsample({ size: 2, scaleFactor: 2 }), /Upsample: give exactly one of size and scaleFactor/);
    assert.throws(() => interpolate(zeros([1, 1, 4, 4]), { size: 8, alignCorners: true }), /alignCorners can only be set with the linear modes/);
  });
  it("max-unpool indices", () => {
    const x = zeros([1, 2, 2, 2]);
    assert.throws(() => maxUnpool2d(x, zeros([1, 2, 2, 3], { dtype: "int32" }), 2), (e: Error) => e instanceof ShapeError && /maxUnpool2d: indices \[1,2,2,3\] must have the shape of the input \[1,2,2,2\]/.test(e.message));
    assert.throws(() => maxUnpool2d(x, tensor([[[[0, 1], [2, 16]], [[0, 1], [2, 3]]]], { dtype: "int32" }), 2), /maxUnpool2d \(output plane 4x4\): index 16 is out of range for size 16/);
    assert.throws(() => maxUnpool2d(x, zeros([1, 2, 2, 2]), 2), DTypeError);
    assert.throws(() => new MaxUnpool2d(2).forward(x, zeros([1, 2, 2, 2], { dtype: "int32" }), [7, 4]), /MaxUnpool2d: invalid outputSize \[7,4\] for input \[1,2,2,2\] \(dim 0 must be between 3 and 5\)/);
  });
  it("dtypes", () => {
    assert.throws(() => avgPool2d(zeros([1, 1, 4, 4], { dtype: "int32" }), 2), (e: Error) => e instanceof DTypeError && /avgPool2d: expected a floating-point input, got int32/.test(e.message));
  });
});
