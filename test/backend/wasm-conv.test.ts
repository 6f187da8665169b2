/**
 * The wasm backend's fused im2col convolutions (conv, convInputGrad, convWeightGrad) against
 * the reference kernels' direct convolution: random and edge geometries (empty and size-1 dims,
 * odd sizes, groups and depthwise, stride, asymmetric padding, dilation, 1×1, windows hanging
 * over the right edge), strided input views, the cases handed to the reference backend, and
 * conv2d / convTranspose2d ops plus a small CNN step through the registry on both backends.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConvAlgorithm, ConvGeometry, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { conv, convInputGrad, convWeightGrad } from "../../src/backend/wasm/index.js";
import { getBackend, setBackend } from "../../src/backend/registry.js";
import { conv2d, convTranspose2d } from "../../src/nn/functional/conv.js";
import { maxPool2d } from "../../src/nn/functional/pooling.js";
import { linear } from "../../src/nn/functional/linear.js";
import { relu } from "../../src/ops/elementwise.js";
import { sum } from "../../src/ops/reduce.js";
import { fromKernel } from "../../src/ops/util.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { assertNear, assertSame, dense, int, onOneAndTwo, permuted, randomData, toDense } from "./wasm-util.js";
import { setNumThreads } from "../../src/backend/threads.js";

/** A 2-D convolution problem: x [N, C, H, W], w [M, C/G, kh, kw], and its geometry. */
interface Problem {
  N: number; C: number; H: number; W: number; M: number; G: number;
  kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number];
  /** Output size (default: PyTorch's floor formula with the padding on both sides). */
  outSize?: [number, number];
}

function geometry(p: Problem): ConvGeometry {
  const out = (i: number, n: number) =>
    Math.floor((n + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1) / p.stride[i]) + 1;
  return { kernel: p.kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, outSize: p.outSize ?? [out(0, p.H), out(1, p.W)], groups: p.G };
}

const label = (p: Problem) =>
  `x[${p.N},${p.C},${p.H},${p.W}] w[${p.M},${p.C / p.G},${p.kernel}] G${p.G} s${p.stride} p${p.padding} d${p.dilation}${p.outSize ? ` out${p.outSize}` : ""}`;

/** Checks all three kernels against the reference's direct convolution (x may be any view). */
function checkProblem(p: Problem, x: View = dense([p.N, p.C, p.H, p.W])): void {
  const geom = geometry(p);
  const w = dense([p.M, p.C / p.G, ...p.kernel]);
  const L = geom.outSize[0] * geom.outSize[1];
  const g = dense([p.N, p.M, ...geom.outSize]);
  const K = p.kernel[0] * p.kernel[1];
  const xd = toDense(x);
  const name = label(p);
  assertNear(conv(x, w, geom, "im2col", "float32"), refKernels.conv(xd, w, geom, "direct", "float32"), `conv ${name}`, (p.C / p.G) * K);
  assertNear(
    convInputGrad(g, w, [p.H, p.W], geom, "im2col", "float32"),
    refKernels.convInputGrad(g, w, [p.H, p.W], geom, "direct", "float32"),
    `convInputGrad ${name}`, (p.M / p.G) * K,
  );
  assertNear(convWeightGrad(x, g, geom, "im2col", "float32"), refKernels.convWeightGrad(xd, g, geom, "direct", "float32"), `convWeightGrad ${name}`, p.N * L);
}

const base: Problem = { N: 2, C: 3, H: 7, W: 6, M: 4, G: 1, kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };

test("wasm conv: edge geometries match the reference", () => {
  const cases: Partial<Problem>[] = [
    {},
    { N: 1, C: 1, M: 1, H: 1, W: 1, kernel: [1, 1] },                    // everything size 1
    { kernel: [1, 1] },                                                    // pointwise: the image is its own columns
    { kernel: [1, 1], stride: [2, 3] },                                    // 1×1 but strided: unfolded
    { kernel: [1, 1], padding: [1, 0] },                                   // 1×1 but padded: unfolded
    { padding: [1, 1] }, { padding: [2, 1] }, { padding: [0, 3] },
    { stride: [2, 2] }, { stride: [3, 2], padding: [1, 2] }, { stride: [2, 1], W: 13 },
    { dilation: [2, 2], padding: [2, 2] }, { dilation: [2, 3], H: 9, W: 11 },
    { kernel: [5, 5], padding: [2, 2], H: 3, W: 4 },                      // kernel larger than the input
    { kernel: [2, 4], padding: [0, 1], outSize: [6, 6] },                 // "same": the extra padding on the right
    { kernel: [3, 3], stride: [2, 2], padding: [1, 1], H: 9, W: 9, outSize: [4, 4] }, // last input row/col unused
    { C: 4, M: 6, G: 2 }, { C: 6, M: 3, G: 3, padding: [1, 1] },          // groups
    { C: 5, M: 5, G: 5, padding: [1, 1] }, { C: 3, M: 6, G: 3, stride: [2, 2] }, // depthwise, channel multiplier
    { C: 4, M: 8, G: 4, kernel: [1, 1] },                                 // grouped pointwise
    { N: 3, C: 20, M: 50, H: 14, W: 14, kernel: [5, 5], padding: [2, 2] }, // LeNet's second layer
    { N: 2, C: 1, M: 20, H: 28, W: 28, kernel: [5, 5], padding: [2, 2] },  // LeNet's first layer
    { C: 300, M: 9, H: 4, W: 4, kernel: [1, 1] },                          // K over one packed GEMM slice
    { C: 30, M: 5, H: 6, W: 7, kernel: [3, 3], padding: [1, 1] },          // K over one slice, packed columns
    { N: 1, C: 30, M: 5, H: 33, W: 35, kernel: [3, 3], padding: [1, 1] },  // packed in blocks: over one slice and 1024 outputs
    { H: 9, W: 2, kernel: [3, 1], padding: [1, 0] },                       // rows of 2 outputs: panel lanes one by one
    { H: 8, W: 3, kernel: [2, 2], stride: [2, 1], padding: [1, 1], dilation: [2, 1] }, // row stride 2, column stride 1
  ];
  for (const c of cases) checkProblem({ ...base, ...c });
});

test("wasm conv: random geometries match the reference", () => {
  for (let t = 0; t < 40; t++) {
    const G = [1, 1, 2, 3][int(0, 3)];
    const kernel: [number, number] = [int(1, 4), int(1, 4)];
    const dilation: [number, number] = [int(1, 2), int(1, 2)];
    const padding: [number, number] = [int(0, 2), int(0, 2)];
    const span = (i: number) => dilation[i] * (kernel[i] - 1) + 1 - 2 * padding[i];
    checkProblem({
      N: int(1, 3), C: G * int(1, 3), M: G * int(1, 3), G,
      H: Math.max(1, span(0)) + int(0, 6), W: Math.max(1, span(1)) + int(0, 6),
      kernel, stride: [int(1, 3), int(1, 3)], padding, dilation,
    });
  }
});

test("wasm conv: empty batch, channels and filters give empty or zero results", () => {
  for (const c of [{ N: 0 }, { M: 0 }, { N: 0, M: 0 }, { C: 0, M: 2 }]) {
    const p = { ...base, ...c };
    const geom = geometry(p);
    const x = dense([p.N, p.C, p.H, p.W]), w = dense([p.M, p.C, 3, 3]), g = dense([p.N, p.M, ...geom.outSize]);
    assertSame(conv(x, w, geom, "im2col", "float32"), new Float32Array(p.N * p.M * 20), `conv ${label(p)}`);
    assertSame(convInputGrad(g, w, [p.H, p.W], geom, "im2col", "float32"), new Float32Array(p.N * p.C * 42), `convInputGrad ${label(p)}`);
    assertSame(convWeightGrad(x, g, geom, "im2col", "float32"), new Float32Array(p.M * p.C * 9), `convWeightGrad ${label(p)}`);
  }
});

test("wasm conv: strided and offset input views match the reference on a dense copy", () => {
  const p: Problem = { ...base, N: 2, C: 4, M: 6, G: 2, padding: [1, 1], stride: [2, 1] };
  checkProblem(p, permuted([2, 4, 7, 6], [0, 2, 3, 1]));    // NHWC storage
  checkProblem(p, permuted([2, 4, 7, 6], [3, 2, 1, 0], 0)); // fully reversed axes
  checkProblem(p, dense([2, 4, 7, 6], undefined, 17));     // dense at an offset
});

test("wasm conv: a bias is added after the sum, as the reference adds it (im2col, depthwise, strided bias, threads)", async () => {
  // Each backend's result with a bias is its bias-free result + bias, rounded once: bit for bit.
  const cases: [string, Problem, ConvAlgorithm][] = [
    ["im2col", { ...base, N: 3, C: 4, M: 6, G: 2, padding: [1, 1] }, "im2col"],
    ["depthwise ×2", { ...base, N: 2, C: 5, M: 10, G: 5, padding: [1, 1] }, "direct"],
    ["1x1", { ...base, N: 2, C: 4, M: 3, kernel: [1, 1] }, "im2col"],
  ];
  for (const [name, p, a] of cases) {
    const geom = geometry(p);
    const x = dense([p.N, p.C, p.H, p.W]), w = dense([p.M, p.C / p.G, ...p.kernel]);
    const bias = permuted([p.M], [0], 5);
    const strided: View = { data: randomData(2 * p.M + 1), shape: [p.M], strides: [2], offset: 1 };
    for (const b of [bias, strided]) {
      for (const [backend, kernel] of [["wasm", conv], ["ref", refKernels.conv]] as const) {
        const plain = kernel(x, w, geom, a, "float32");
        const L = plain.length / (p.N * p.M);
        const expected = plain.map((v, i) => Math.fround(v + b.data[b.offset + (Math.floor(i / L) % p.M) * b.strides[0]]));
        assertSame(kernel(x, w, geom, a, "float32", b), expected, `${backend} ${name}: conv + bias`);
      }
    }
  }
  const p: Problem = { ...base, N: 8, C: 16, H: 24, W: 24, M: 24, padding: [1, 1] };
  const geom = geometry(p);
  const x = dense([p.N, p.C, p.H, p.W]), w = dense([p.M, p.C, 3, 3]), b = dense([p.M]);
  const [one, two] = await onOneAndTwo(() => conv(x, w, geom, "im2col", "float32", b));
  assertSame(two, one, "bias on 1 and 2 threads");
  await setNumThreads(1);
});

test("wasm conv: 1-D convolutions run as 2-D ones over a 1-high image and match the reference", () => {
  const cases: { g: ConvGeometry; C: number; L: number }[] = [
    { g: { kernel: [3], stride: [2], padding: [1], dilation: [1], outSize: [4], groups: 1 }, C: 3, L: 7 },
    { g: { kernel: [5], stride: [1], padding: [2], dilation: [1], outSize: [19], groups: 1 }, C: 4, L: 19 },
    { g: { kernel: [3], stride: [1], padding: [3], dilation: [2], outSize: [21], groups: 2 }, C: 4, L: 17 },
  ];
  for (const { g, C, L } of cases) {
    const M = 6, N = 2;
    const x = permuted([N, C, L], [2, 0, 1]), w = dense([M, C / g.groups, g.kernel[0]]), gy = dense([N, M, g.outSize[0]]);
    const xd = toDense(x);
    const name = `1-D x[${N},${C},${L}] k${g.kernel} s${g.stride} p${g.padding} d${g.dilation} G${g.groups}`;
    const [k, Cg, Mg] = [g.kernel[0], C / g.groups, M / g.groups];
    assertNear(conv(x, w, g, "im2col", "float32"), refKernels.conv(xd, w, g, "direct", "float32"), `conv ${name}`, Cg * k);
    // Exactly what the 2-D kernel gives on the same data as [N, C, 1, L].
    const g2: ConvGeometry = { ...g, kernel: [1, k], stride: [1, g.stride[0]], padding: [0, g.padding[0]], dilation: [1, g.dilation[0]], outSize: [1, g.outSize[0]] };
    const as2d = (v: View) => dense([v.shape[0], v.shape[1], 1, v.shape[2]], toDense(v).data);
    assertSame(conv(x, w, g, "im2col", "float32"), conv(as2d(x), as2d(w), g2, "im2col", "float32"), `conv ${name} = its 2-D form`);
    assertNear(convInputGrad(gy, w, [L], g, "im2col", "float32"), refKernels.convInputGrad(gy, w, [L], g, "direct", "float32"), `convInputGrad ${name}`, Mg * k);
    assertNear(convWeightGrad(x, gy, g, "im2col", "float32"), refKernels.convWeightGrad(xd, gy, g, "direct", "float32"), `convWeightGrad ${name}`, N * g.outSize[0]);
  }
});

test("wasm conv: other algorithms, ranks and dtypes are the reference's results", () => {
  const geom = geometry({ ...base, padding: [1, 1] });
  const x = dense([2, 3, 7, 6]), w = dense([4, 3, 3, 3]), g = dense([2, 4, 7, 6]);
  for (const a of ["direct", "fft", "winograd"] as ConvAlgorithm[]) {
    assertSame(conv(x, w, geom, a, "float32"), refKernels.conv(x, w, geom, a, "float32"), `conv ${a}`);
    assertSame(convInputGrad(g, w, [7, 6], geom, a, "float32"), refKernels.convInputGrad(g, w, [7, 6], geom, a, "float32"), `convInputGrad ${a}`);
    assertSame(convWeightGrad(x, g, geom, a, "float32"), refKernels.convWeightGrad(x, g, geom, a, "float32"), `convWeightGrad ${a}`);
  }
  const f64 = (v: View): View => ({ ...v, data: Float64Array.from(v.data) });
  assertSame(conv(f64(x), f64(w), geom, "im2col", "float64"), refKernels.conv(f64(x), f64(w), geom, "im2col", "float64"), "float64");
  // The wrong algorithm for a geometry still throws, as the reference does.
  assert.throws(() => conv(dense([1, 1, 7, 7]), dense([1, 1, 5, 5]), geometry({ ...base, C: 1, M: 1, H: 7, W: 7, kernel: [5, 5] }), "winograd", "float32"), /winograd/);
});

test("wasm conv: results are fresh arrays that later calls leave alone", () => {
  const geom = geometry(base);
  const x = dense([2, 3, 7, 6]), w = dense([4, 3, 3, 3]);
  const first = conv(x, w, geom, "im2col", "float32");
  const copy = first.slice();
  checkProblem({ ...base, N: 8, C: 16, M: 32, H: 40, W: 40, padding: [1, 1] }); // grows the memory
  assertSame(first, copy, "first result after growth");
  assertSame(conv(x, w, geom, "im2col", "float32"), copy, "same call again");
});

/** Runs fn under the wasm and the reference backends and returns both results. */
function onBoth<T>(fn: () => T): { wasm: T; ref: T } {
  const previous = getBackend();
  try {
    setBackend("wasm");
    const wasm = fn();
    setBackend("ref");
    return { wasm, ref: fn() };
  } finally {
    setBackend(previous);
  }
}

/** |got − want| ≤ tol·(1 + max|want|) elementwise: float32 rounding scales with the sums' magnitude. */
function assertTensorsNear(got: Tensor, want: Tensor, what: string, tol = 1e-4): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const a = Array.from(got.toTypedArray()), b = Array.from(want.toTypedArray());
  const scale = 1 + Math.max(0, ...b.map(Math.abs));
  for (let i = 0; i < b.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol * scale)) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]} (scale ${scale})`);
  }
}

/** A leaf tensor of uniform values in [-s, s). */
function uniform(shape: number[], s = 1): Tensor {
  const t = fromKernel(dense(shape).data.map((v) => v * s), shape);
  t.requiresGrad = true;
  return t;
}

test("wasm backend: conv2d and convTranspose2d ops and their gradients match ref", () => {
  const x = uniform([2, 6, 9, 8]), w = uniform([4, 3, 3, 2]), b = uniform([4]), wt = uniform([6, 2, 3, 3]);
  const run = () => {
    for (const t of [x, w, b, wt]) t.grad = null;
    const y = conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 2, algorithm: "im2col" });
    const z = convTranspose2d(x, wt, null, { stride: 2, padding: 1, outputPadding: 1, groups: 2, algorithm: "im2col" });
    sum(y.mul(y)).add(sum(z.mul(z))).backward();
    return [y, z, x.grad!, w.grad!, b.grad!, wt.grad!];
  };
  const { wasm, ref } = onBoth(run);
  ["y", "z", "dx", "dw", "db", "dwt"].forEach((name, i) => assertTensorsNear(wasm[i], ref[i], name));
});

test("wasm backend: a small CNN training step (conv, relu, max pool, linear) matches ref", () => {
  const x = uniform([3, 1, 12, 12]);
  const w1 = uniform([5, 1, 3, 3], 0.5), b1 = uniform([5], 0.1), w2 = uniform([7, 5, 3, 3], 0.3);
  const fc = uniform([4, 7 * 3 * 3], 0.3), fb = uniform([4], 0.1);
  const params = [w1, b1, w2, fc, fb];
  const run = () => {
    for (const t of params) t.grad = null;
    let h = maxPool2d(relu(conv2d(x, w1, b1, { padding: 1, algorithm: "im2col" })), 2);
    h = maxPool2d(relu(conv2d(h, w2, null, { padding: 1, algorithm: "im2col" })), 2);
    const logits = linear(h.reshape([3, 7 * 3 * 3]), fc, fb);
    sum(logits.mul(logits)).backward();
    return [logits, ...params.map((p) => p.grad!)];
  };
  const { wasm, ref } = onBoth(run);
  wasm.forEach((t, i) => assertTensorsNear(t, ref[i], `tensor ${i}`, 2e-4));
});

test("wasm convMaxPool: the same bits as its conv then maxPool, on 1 and 2 threads, poisoned memory included", async () => {
  const { convMaxPool, maxPool, wasmBackend } = await import("../../src/backend/wasm/index.js");
  const geom2 = (k: number, s: number, p: number, H: number, W: number, pool: boolean) => {
    const o = (n: number) => Math.floor((n + 2 * p - k) / s) + 1;
    return pool
      ? { kernel: [k, k], stride: [s, s], padding: [p, p], dilation: [1, 1], outSize: [o(H), o(W)] }
      : { kernel: [k, k], stride: [s, s], padding: [p, p], dilation: [1, 1], outSize: [o(H), o(W)], groups: 1 };
  };
  const cases: { N: number; C: number; H: number; W: number; M: number; k: number; pad: number; pk: number; ps: number; pp: number; bias: boolean }[] = [
    { N: 5, C: 3, H: 12, W: 12, M: 8, k: 5, pad: 2, pk: 2, ps: 2, pp: 0, bias: true },   // LeNet's shape
    { N: 3, C: 2, H: 11, W: 9, M: 5, k: 3, pad: 0, pk: 2, ps: 2, pp: 0, bias: false },   // odd planes, rows of < 4 outputs
    { N: 4, C: 4, H: 10, W: 13, M: 6, k: 3, pad: 1, pk: 3, ps: 3, pp: 1, bias: true },   // the generic pooling kernel
    { N: 0, C: 2, H: 6, W: 6, M: 3, k: 3, pad: 1, pk: 2, ps: 2, pp: 0, bias: true },     // empty batch
    { N: 8, C: 8, H: 24, W: 24, M: 16, k: 5, pad: 2, pk: 2, ps: 2, pp: 0, bias: true }, // big enough to split across threads
  ];
  for (const c of cases) {
    const x = dense([c.N, c.C, c.H, c.W]), w = dense([c.M, c.C, c.k, c.k]), b = c.bias ? dense([c.M]) : null;
    const g = geom2(c.k, 1, c.pad, c.H, c.W, false) as ConvGeometry;
    const pool = geom2(c.pk, c.ps, c.pp, g.outSize[0], g.outSize[1], true);
    const label = `x[${c.N},${c.C},${c.H},${c.W}] ⋆ ${c.k}x${c.k} → pool ${c.pk}/${c.ps}/${c.pp}`;
    const y = conv(x, w, g, "im2col", "float32", b, true);
    const want = maxPool(dense([c.N, c.M, ...g.outSize], y), pool, "max");
    const [one, two] = await onOneAndTwo(() => {
      const r = convMaxPool.call(wasmBackend.kernels, x, w, g, "im2col", "float32", b, true, pool, true);
      assertSame(r.indices!, want.indices, `${label}: indices`);
      // Without indices (inference): the same values, and no indices.
      const bare = convMaxPool.call(wasmBackend.kernels, x, w, g, "im2col", "float32", b, true, pool, false);
      assert.equal(bare.indices, null, `${label}: indices not asked for`);
      assertSame(bare.values, r.values, `${label}: values without indices`);
      return r.values;
    });
    assertSame(one, want.values, `${label}: values, 1 thread`);
    assertSame(two, want.values, `${label}: values, 2 threads`);
  }
  await setNumThreads(1);
});
