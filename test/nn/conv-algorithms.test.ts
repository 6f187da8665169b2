// The four convolution algorithms (direct, im2col + GEMM, FFT, Winograd): property tests that
// every applicable algorithm agrees with the direct definition (forward and both gradients) over
// random geometries, the applicability / "auto" rule, the course's multiplication counts, the
// Winograd transforms (forward F(m×m,3×3) and weight-gradient F(3×3,m×m)) and their filter cache.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, randn, gradcheck, Generator, getBackend, setBackend, listBackends, type Tensor } from "../../src/index.js";
import {
  conv1d, conv2d, conv3d, convNd, convTranspose2d, setConvAlgorithm, getConvAlgorithm, ConvAlgorithmError,
  applicableConvAlgorithms, autoConvAlgorithm, convMultiplications, CONV_ALGORITHMS, type ConvAlgorithm,
} from "../../src/nn/functional/conv.js";
import {
  F2x2_3x3, F4x4_3x3, weightGradTransforms, winogradCacheStats, winogradConvWithTile, winogradWeightGrad, winogradWeightGradWithTile,
} from "../../src/backend/ref/conv/winograd.js";
import { directWeightGrad } from "../../src/backend/ref/conv/direct.js";
import type { DType } from "../../src/tensor/dtype.js";
import type { ConvGeometry } from "../../src/backend/backend.js";

const gen = new Generator(1234);
const int = (lo: number, hi: number) => lo + (gen.nextUint32() % (hi - lo + 1));
const flat = (t: Tensor) => Array.from(t.toTypedArray());

/** |a − b| ≤ tol·(1 + max|b|) elementwise: float32 rounding scales with the sums' magnitude. */
function assertClose(a: Tensor, b: Tensor, what: string, tol = 2e-4): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  const av = flat(a), bv = flat(b);
  const scale = 1 + Math.max(...bv.map(Math.abs));
  for (let i = 0; i < av.length; i++) {
    if (!(Math.abs(av[i] - bv[i]) <= tol * scale)) assert.fail(`${what}: element ${i}: ${av[i]} vs ${bv[i]} (scale ${scale})`);
  }
}

interface Case {
  D: 1 | 2 | 3;
  x: number[];
  w: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  groups: number;
}

/** A random valid convolution; `forWinograd` draws 3×3 stride-1 2-D ones, `unitStride` stride/dilation 1. */
function randomCase(D: 1 | 2 | 3, opts: { forWinograd?: boolean; unitStride?: boolean } = {}): Case {
  const groups = [1, 1, 2, 3][int(0, 3)];
  const depthwise = int(0, 4) === 0;
  const Cg = depthwise ? 1 : int(1, 3);
  const G = depthwise ? int(2, 4) : groups;
  const Mg = int(1, 3);
  const N = int(1, 2);
  const k = Array.from({ length: D }, () => (opts.forWinograd ? 3 : int(1, D === 3 ? 2 : 5)));
  const stride = k.map(() => (opts.forWinograd || opts.unitStride ? 1 : int(1, 2)));
  const dilation = k.map(() => (opts.forWinograd || opts.unitStride ? 1 : int(1, 2)));
  const padding = k.map(() => int(0, 3));
  const size = k.map((kk, i) => Math.max(dilation[i] * (kk - 1) + 1 - 2 * padding[i], 1) + int(0, D === 3 ? 3 : 9));
  return { D, x: [N, Cg * G, ...size], w: [Mg * G, Cg, ...k], stride, padding, dilation, groups: G };
}

function run(c: Case, algorithm: ConvAlgorithm, seed: number) {
  const g = new Generator(seed);
  const x = randn(c.x, { generator: g, requiresGrad: true });
  const w = randn(c.w, { generator: g, requiresGrad: true });
  const y = convNd(c.D, x, w, null, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, algorithm });
  const up = randn(y.shape, { generator: g });
  y.mul(up).sum().backward();
  return { y, dx: x.grad as Tensor, dw: w.grad as Tensor };
}

const describeCase = (c: Case) => `x ${c.x} w ${c.w} s ${c.stride} p ${c.padding} d ${c.dilation} g ${c.groups}`;

function checkAgainstDirect(c: Case, algorithm: ConvAlgorithm, seed: number): void {
  const want = run(c, "direct", seed);
  const got = run(c, algorithm, seed);
  const what = `${algorithm} ${describeCase(c)}`;
  assertClose(got.y, want.y, `${what} forward`);
  assertClose(got.dx, want.dx, `${what} dx`);
  assertClose(got.dw, want.dw, `${what} dw`);
}

describe("conv algorithms agree with direct (random shapes, float32)", () => {
  it("im2col: 1-D/2-D/3-D with stride, padding, dilation, groups", () => {
    for (let i = 0; i < 30; i++) checkAgainstDirect(randomCase(([1, 2, 2, 3] as const)[i % 4]), "im2col", i);
  });
  it("fft: 1-D and 2-D, stride 1, any padding and groups", () => {
    for (let i = 0; i < 25; i++) checkAgainstDirect(randomCase(i % 3 === 0 ? 1 : 2, { unitStride: true }), "fft", 100 + i);
  });
  it("winograd: 2-D 3x3 stride 1, any padding and groups, both tile sizes", () => {
    for (let i = 0; i < 25; i++) {
      const c = randomCase(2, { forWinograd: true });
      if (i % 2) c.x = [c.x[0], c.x[1], 8 + int(0, 6), 8 + int(0, 6)]; // F(4×4) tiles
      checkAgainstDirect(c, "winograd", 200 + i);
    }
  });
  it("auto picks an applicable algorithm and matches direct", () => {
    for (let i = 0; i < 20; i++) {
      const c = randomCase(([1, 2, 3] as const)[i % 3]);
      checkAgainstDirect(c, autoConvAlgorithm(problemOf(c)), 300 + i);
    }
  });
  it("both Winograd tiles match direct regardless of the output size", () => {
    const g = new Generator(7);
    const x = randn([2, 4, 9, 7], { generator: g });
    const w = randn([6, 2, 3, 3], { generator: g });
    const geom: ConvGeometry = { kernel: [3, 3], stride: [1, 1], padding: [1, 0], dilation: [1, 1], outSize: [9, 5], groups: 2 };
    const want = conv2d(x, w, null, { padding: [1, 0], groups: 2, algorithm: "direct" });
    for (const tile of [2, 4] as const) {
      const y = tensor(Array.from(winogradConvWithTile(x, w, geom, tile, "float32")), { shape: want.shape });
      assertClose(y, want, `F(${tile}x${tile},3x3)`);
    }
  });
});

/** A random 3×3 stride-1 problem for the Winograd weight gradient: padding 0–2, any groups, outputs from 1×1 up. */
function weightGradCase() {
  const c = randomCase(2, { forWinograd: true });
  const padding = [int(0, 2), int(0, 2)];
  // Output side = size + 2p − 2 ≥ 1; small outputs (1, 2, 3) are smaller than a tile.
  const out = [0, 1].map(() => (int(0, 2) === 0 ? int(1, 3) : int(4, 13)));
  const x = [c.x[0], c.x[1], out[0] + 2 - 2 * padding[0], out[1] + 2 - 2 * padding[1]];
  if (x[2] < 1 || x[3] < 1) return { ...c, x: [c.x[0], c.x[1], 3, 3], padding: [0, 0], out: [1, 1] };
  return { ...c, x, padding, out };
}

/** dW by Winograd (the kernel the op calls, or an explicit tile) and by the direct loops, from the same x and g. */
function weightGrads(dtype: DType, seed: number, tile?: 2 | 4) {
  const c = weightGradCase();
  const g = new Generator(seed);
  const x = randn(c.x, { dtype, generator: g });
  const gy = randn([c.x[0], c.w[0], ...c.out], { dtype, generator: g });
  const geom: ConvGeometry = { kernel: [3, 3], stride: [1, 1], padding: c.padding, dilation: [1, 1], outSize: c.out, groups: c.groups };
  const got = tile ? winogradWeightGradWithTile(x, gy, geom, tile, dtype) : winogradWeightGrad(x, gy, geom, dtype);
  const want = directWeightGrad(x, gy, geom, dtype);
  const shape = c.w;
  return { got: tensor(Array.from(got), { shape, dtype }), want: tensor(Array.from(want), { shape, dtype }), what: `x ${c.x} g ${gy.shape} p ${c.padding} groups ${c.groups}` };
}

describe("winograd weight gradient F(3x3, m x m) matches direct", () => {
  it("float32, random shapes: batch, groups, depthwise, padding 0/1/2, odd sizes, outputs smaller than a tile", () => {
    for (let i = 0; i < 60; i++) {
      const { got, want, what } = weightGrads("float32", 400 + i);
      assertClose(got, want, `dW ${what}`);
    }
  });
  it("float64 to ~1e-10, both tiles forced on every shape", () => {
    for (let i = 0; i < 40; i++) {
      const { got, want, what } = weightGrads("float64", 500 + i, i % 2 ? 4 : 2);
      assertClose(got, want, `dW F(3x3,${i % 2 ? 4 : 2}x${i % 2 ? 4 : 2}) ${what}`, 1e-10);
    }
  });
  it("through conv2d's backward, with F(4x4) tiles (both output sides ≥ 8) and padding 2", () => {
    for (let i = 0; i < 6; i++) {
      const c = randomCase(2, { forWinograd: true });
      c.padding = [int(0, 2), int(0, 2)];
      c.x = [c.x[0], c.x[1], 8 + int(0, 7), 8 + int(0, 7)];
      checkAgainstDirect(c, "winograd", 600 + i);
    }
  });
  it("the course's 5x5 image: dW for an all-ones output gradient is the sum of each 3x3 window shift (exact)", () => {
    // With g ≡ 1 over the 3×3 valid output, dW[r, s] = Σ_{p,q<3} x[p + r, q + s].
    const x = [[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [2, 3, 4, 8, 5]];
    const want = [0, 1, 2].map((r) => [0, 1, 2].map((s) => [0, 1, 2].reduce((a, p) => a + [0, 1, 2].reduce((b, q) => b + x[p + r][q + s], 0), 0)));
    const geom: ConvGeometry = { kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1], outSize: [3, 3], groups: 1 };
    const xv = tensor(x).reshape([1, 1, 5, 5]);
    const ones = tensor([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
    for (const tile of [2, 4] as const) {
      const got = tensor(Array.from(winogradWeightGradWithTile(xv, ones, geom, tile, "float32")), { shape: [1, 1, 3, 3] });
      assertClose(got, tensor([[want]]), `F(3x3,${tile}x${tile})`, 1e-6);
    }
  });
  it("gradcheck of conv2d under winograd with F(4x4) tiles, groups and uneven padding (float64)", () => {
    const g = new Generator(12);
    const x = randn([1, 4, 7, 8], { dtype: "float64", generator: g, requiresGrad: true });
    const w = randn([2, 2, 3, 3], { dtype: "float64", generator: g, requiresGrad: true });
    assert.ok(gradcheck((xx, ww) => conv2d(xx, ww, null, { padding: [2, 1], groups: 2, algorithm: "winograd" }), [x, w]));
  });
});

describe("conv algorithms: exact values and gradcheck", () => {
  // COURSE.md worked example: 5×5 image ⋆ 3×3 kernel.
  const img = tensor([[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [2, 3, 4, 8, 5]]).reshape([1, 1, 5, 5]);
  const ker = tensor([[1, 2, 3], [-4, 7, 4], [2, -5, 1]]).reshape([1, 1, 3, 3]);
  for (const algorithm of CONV_ALGORITHMS) {
    it(`${algorithm}: the course's 5x5 example, valid and pad 1`, () => {
      assertClose(conv2d(img, ker, null, { algorithm }), tensor([[[[51, 66, 20], [31, 49, 101], [15, 53, -2]]]]), "valid", 1e-6);
      const same = [[21, 59, 37, -19, 2], [30, 51, 66, 20, 43], [-14, 31, 49, 101, -19], [59, 15, 53, -2, 21], [49, 57, 64, 76, 10]];
      assertClose(conv2d(img, ker, null, { padding: 1, algorithm }), tensor([[same]]), "pad 1", 1e-6);
    });
    it(`${algorithm}: gradcheck (float64)`, () => {
      const g = new Generator(11);
      const x = randn([2, 4, 6, 5], { dtype: "float64", generator: g, requiresGrad: true });
      const w = randn([4, 2, 3, 3], { dtype: "float64", generator: g, requiresGrad: true });
      const b = randn([4], { dtype: "float64", generator: g, requiresGrad: true });
      assert.ok(gradcheck((xx, ww, bb) => conv2d(xx, ww, bb, { padding: [1, 2], groups: 2, algorithm }), [x, w, b]));
    });
  }
  it("depthwise (direct's own path) matches im2col, with a channel multiplier", () => {
    const c: Case = { D: 2, x: [2, 3, 9, 8], w: [6, 1, 3, 3], stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 3 };
    const a = run(c, "direct", 5), b = run(c, "im2col", 5);
    assertClose(a.y, b.y, "forward");
    assertClose(a.dx, b.dx, "dx");
    assertClose(a.dw, b.dw, "dw");
  });
  it("transposed convolution works under every applicable algorithm", () => {
    const g = new Generator(9);
    const x = randn([2, 4, 5, 6], { generator: g });
    const w = randn([4, 3, 3, 3], { generator: g });
    const want = convTranspose2d(x, w, null, { padding: 1, algorithm: "direct" });
    for (const algorithm of CONV_ALGORITHMS) assertClose(convTranspose2d(x, w, null, { padding: 1, algorithm }), want, algorithm);
    assert.throws(() => convTranspose2d(x, w, null, { stride: 2, algorithm: "winograd" }), /convTranspose2d: algorithm "winograd" does not apply: stride 2x2/);
  });
  it("conv1d under fft and conv3d under im2col match direct", () => {
    const g = new Generator(4);
    const x1 = randn([2, 3, 17], { generator: g }), w1 = randn([4, 3, 5], { generator: g });
    assertClose(conv1d(x1, w1, null, { padding: 3, algorithm: "fft" }), conv1d(x1, w1, null, { padding: 3, algorithm: "direct" }), "conv1d");
    const x3 = randn([1, 2, 4, 5, 3], { generator: g }), w3 = randn([3, 2, 2, 3, 2], { generator: g });
    assertClose(conv3d(x3, w3, null, { padding: 1, stride: [1, 2, 1], algorithm: "im2col" }), conv3d(x3, w3, null, { padding: 1, stride: [1, 2, 1], algorithm: "direct" }), "conv3d");
  });
});

function problemOf(c: Case) {
  const outSize = c.x.slice(2).map((n, i) => Math.floor((n + 2 * c.padding[i] - c.dilation[i] * (c.w[2 + i] - 1) - 1) / c.stride[i]) + 1);
  const geom: ConvGeometry = { kernel: c.w.slice(2), stride: c.stride, padding: c.padding, dilation: c.dilation, outSize, groups: c.groups };
  return { N: c.x[0], C: c.x[1], M: c.w[0], inSpatial: c.x.slice(2), geom };
}

describe("conv algorithms: applicability and auto", () => {
  it("auto never picks an algorithm that does not apply", () => {
    for (let i = 0; i < 300; i++) {
      const p = problemOf(randomCase(([1, 2, 3] as const)[i % 3], { forWinograd: i % 5 === 0 && i % 3 === 1 }));
      const ok = applicableConvAlgorithms(p);
      assert.ok(ok.includes("direct") && ok.includes("im2col"));
      assert.ok(ok.includes(autoConvAlgorithm(p)), `auto picked ${autoConvAlgorithm(p)} for ${JSON.stringify(p.geom)}`);
    }
  });
  it("auto follows the course's rules of thumb on typical layers", () => {
    const geom = (k: number, out: number, groups = 1, pad = 0): ConvGeometry => ({ kernel: [k, k], stride: [1, 1], padding: [pad, pad], dilation: [1, 1], outSize: [out, out], groups });
    const depthwise = { N: 1, C: 32, M: 32, inSpatial: [112, 112], geom: geom(3, 112, 32, 1) };
    const vgg = { N: 1, C: 64, M: 64, inSpatial: [56, 56], geom: geom(3, 56, 1, 1) };
    const pointwise = { N: 1, C: 32, M: 64, inSpatial: [112, 112], geom: geom(1, 112) };
    const course = { N: 1, C: 3, M: 10, inSpatial: [32, 32], geom: geom(5, 32, 1, 2) };
    const before = getBackend();
    try {
      // Plain JS GEMM: Winograd's 4× fewer multiplies win at 3×3; depthwise runs direct.
      setBackend("ref");
      assert.deepEqual([depthwise, vgg, pointwise].map(autoConvAlgorithm), ["direct", "winograd", "im2col"]);
      // A SIMD GEMM is so much faster than the JS transforms that im2col wins every dense layer;
      // depthwise layers have SIMD direct kernels of their own.
      if (listBackends().includes("wasm")) {
        setBackend("wasm");
        assert.deepEqual([depthwise, vgg, pointwise, course].map(autoConvAlgorithm), ["direct", "im2col", "im2col", "im2col"]);
      }
    } finally {
      setBackend(before);
    }
  });
  it("naming an algorithm that does not apply throws, naming why", () => {
    const x = randn([1, 2, 8, 8]);
    assert.throws(() => conv2d(x, randn([3, 2, 5, 5]), null, { algorithm: "winograd" }), (e: unknown) =>
      e instanceof ConvAlgorithmError && /conv2d: algorithm "winograd" does not apply: kernel 5x5 \(Winograd needs 3x3\)/.test(e.message));
    assert.throws(() => conv2d(x, randn([3, 2, 3, 3]), null, { stride: 2, algorithm: "fft" }), /conv2d: algorithm "fft" does not apply: stride 2x2/);
    assert.throws(() => conv2d(x, randn([3, 2, 3, 3]), null, { dilation: 2, algorithm: "winograd" }), /dilation 2x2/);
    assert.throws(() => conv3d(randn([1, 1, 4, 4, 4]), randn([1, 1, 3, 3, 3]), null, { algorithm: "fft" }), /3-D convolution/);
    assert.throws(() => conv2d(x, randn([3, 2, 3, 3]), null, { algorithm: "fast" as never }), /algorithm must be one of direct, im2col, fft, winograd, auto, got "fast"/);
  });
  it("the global setting applies unless a call names an algorithm", () => {
    const before = getConvAlgorithm();
    try {
      setConvAlgorithm("winograd");
      assert.equal(getConvAlgorithm(), "winograd");
      assert.throws(() => conv2d(randn([1, 1, 6, 6]), randn([1, 1, 5, 5])), ConvAlgorithmError);
      assert.doesNotThrow(() => conv2d(randn([1, 1, 6, 6]), randn([1, 1, 5, 5]), null, { algorithm: "auto" }));
      assert.throws(() => setConvAlgorithm("gemm" as never), /setConvAlgorithm: algorithm must be one of/);
    } finally {
      setConvAlgorithm(before);
    }
  });
});

describe("conv algorithms: multiplication counts and transforms", () => {
  const geom = (k: number, out: number, pad: number): ConvGeometry => ({ kernel: [k, k], stride: [1, 1], padding: [pad, pad], dilation: [1, 1], outSize: [out, out], groups: 1 });
  it("direct: 768,000 MACs for 3x32x32 with ten 5x5 filters, pad 2", () => {
    const p = { N: 1, C: 3, M: 10, inSpatial: [32, 32], geom: geom(5, 32, 2) };
    assert.equal(convMultiplications("direct", p), 768000);
    assert.equal(convMultiplications("im2col", p), 768000);
    assert.equal(convMultiplications("winograd", p), null);
  });
  it("winograd F(2x2,3x3): 16 multiplies per 2x2 tile instead of 36", () => {
    const p = { N: 1, C: 1, M: 1, inSpatial: [6, 6], geom: geom(3, 4, 0) }; // 4x4 out: four 2x2 tiles
    assert.equal(convMultiplications("direct", p), 4 * 36);
    assert.equal(convMultiplications("winograd", p), 4 * 16);
  });
  it("winograd F(4x4,3x3): 36 multiplies per 4x4 tile instead of 144", () => {
    const p = { N: 1, C: 1, M: 1, inSpatial: [10, 10], geom: geom(3, 8, 0) };
    assert.equal(convMultiplications("direct", p), 4 * 144);
    assert.equal(convMultiplications("winograd", p), 4 * 36);
  });
  it("1-D F(2,3) and F(4,3): Aᵀ[(G g) ⊙ (Bᵀ d)] is the correlation, with 4 (resp. 6) multiplies", () => {
    for (const t of [F2x2_3x3, F4x4_3x3]) {
      const a = t.alpha;
      const d = Array.from({ length: a }, () => int(-9, 9));
      const gg = [int(-9, 9), int(-9, 9), int(-9, 9)];
      const Gg = Array.from({ length: a }, (_, i) => gg.reduce((s, v, k) => s + t.G[i * 3 + k] * v, 0));
      const Bd = Array.from({ length: a }, (_, i) => d.reduce((s, v, k) => s + t.BT[i * a + k] * v, 0));
      const prod = Gg.map((v, i) => v * Bd[i]); // the α multiplies
      assert.equal(prod.length, t.m + 2);
      for (let o = 0; o < t.m; o++) {
        const y = prod.reduce((s, v, k) => s + t.AT[o * a + k] * v, 0);
        assert.ok(Math.abs(y - (d[o] * gg[0] + d[o + 1] * gg[1] + d[o + 2] * gg[2])) < 1e-9, `F(${t.m},3) output ${o}`);
      }
    }
  });
  it("1-D F(3,2) and F(3,4) (weight gradient, by transposition): Gᵀ[(Bᵀ d) ⊙ (A e)] is the correlation of d with e", () => {
    for (const f of [F2x2_3x3, F4x4_3x3]) {
      const t = weightGradTransforms(f);
      const a = t.alpha;
      assert.equal(t.A.length, a * t.m);
      assert.equal(t.GT.length, 3 * a);
      for (let trial = 0; trial < 5; trial++) {
        const d = Array.from({ length: a }, () => int(-9, 9));
        const e = Array.from({ length: t.m }, () => int(-9, 9));
        const Ae = Array.from({ length: a }, (_, i) => e.reduce((s, v, k) => s + t.A[i * t.m + k] * v, 0));
        const Bd = Array.from({ length: a }, (_, i) => d.reduce((s, v, k) => s + t.BT[i * a + k] * v, 0));
        const prod = Ae.map((v, i) => v * Bd[i]); // the α multiplies, instead of 3·m
        for (let j = 0; j < 3; j++) {
          const y = prod.reduce((s, v, k) => s + t.GT[j * a + k] * v, 0);
          const want = e.reduce((s, v, k) => s + v * d[k + j], 0);
          assert.ok(Math.abs(y - want) < 1e-9, `F(3,${t.m}) output ${j}: ${y} vs ${want}`);
        }
      }
    }
  });
  it("fft: counts its transforms and products", () => {
    const p = { N: 1, C: 1, M: 1, inSpatial: [6, 6], geom: geom(3, 4, 0) }; // 8x8 transforms
    // 3 transforms × 4·(4·(4·3) + 5·(4·3)) + 4·8·5 products
    assert.equal(convMultiplications("fft", p), 3 * 4 * (4 * 12 + 5 * 12) + 4 * 8 * 5);
  });
  it("winograd filter transforms are cached while the weights are unchanged", () => {
    const x = randn([1, 2, 6, 6]);
    const w = randn([3, 2, 3, 3]);
    const h0 = winogradCacheStats.hits, m0 = winogradCacheStats.misses;
    conv2d(x, w, null, { algorithm: "winograd" });
    const y1 = conv2d(x, w, null, { algorithm: "winograd" });
    assert.equal(winogradCacheStats.misses - m0, 1);
    assert.equal(winogradCacheStats.hits - h0, 1);
    w.data[4] += 1; // an in-place update (as an optimizer step) invalidates the entry
    const y2 = conv2d(x, w, null, { algorithm: "winograd" });
    assert.equal(winogradCacheStats.misses - m0, 2);
    assertClose(y2, conv2d(x, w, null, { algorithm: "direct" }), "after update");
    assert.notDeepEqual(flat(y1), flat(y2));
  });
});
