/**
 * The wasm backend's direct depthwise convolutions (conv, convInputGrad, convWeightGrad with
 * algorithm "direct" and one input channel per group) against the reference kernels: edge and
 * random geometries (size 1, widths under and over one SIMD vector, strides 1–3, asymmetric and
 * over-wide padding, dilation, channel multipliers, "same" and clipped output sizes, empty batch
 * and planes), strided input views, the cases left to the reference, the conv2d op through the
 * registry, and bit-identical results on 1 and 2 threads.
 */
import { test } from "node:test";
import type { ConvGeometry, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { conv, convInputGrad, convWeightGrad } from "../../src/backend/wasm/index.js";
import { getBackend, setBackend } from "../../src/backend/registry.js";
import { setNumThreads } from "../../src/backend/threads.js";
import { conv2d } from "../../src/nn/functional/conv.js";
import { sum } from "../../src/ops/reduce.js";
import { fromKernel } from "../../src/ops/util.js";
import { assertNear, assertSame, dense, int, onOneAndTwo, permuted, toDense } from "./wasm-util.js";

/** A depthwise problem: x [N, C, H, W], w [C·Mg, 1, kh, kw]. */
interface Problem {
  N: number; C: number; H: number; W: number; Mg: number;
  kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number];
  /** Output size (default: PyTorch's floor formula with the padding on both sides). */
  outSize?: [number, number];
}

function geometry(p: Problem): ConvGeometry {
  const out = (i: number, n: number) =>
    Math.max(0, Math.floor((n + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1) / p.stride[i]) + 1);
  return { kernel: p.kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, outSize: p.outSize ?? [out(0, p.H), out(1, p.W)], groups: p.C };
}

const label = (p: Problem) =>
  `x[${p.N},${p.C},${p.H},${p.W}] Mg${p.Mg} k${p.kernel} s${p.stride} p${p.padding} d${p.dilation}${p.outSize ? ` out${p.outSize}` : ""}`;

/** Checks all three kernels against the reference's direct convolution (x and g may be any views). */
function checkProblem(p: Problem, x: View = dense([p.N, p.C, p.H, p.W]), g?: View): void {
  const geom = geometry(p);
  const M = p.C * p.Mg;
  const w = dense([M, 1, ...p.kernel]);
  const gy = g ?? dense([p.N, M, ...geom.outSize]);
  const K = p.kernel[0] * p.kernel[1];
  const L = geom.outSize[0] * geom.outSize[1];
  const [xd, gd] = [toDense(x), toDense(gy)];
  const name = label(p);
  assertNear(conv(x, w, geom, "direct", "float32"), refKernels.conv(xd, w, geom, "direct", "float32"), `conv ${name}`, K);
  assertNear(
    convInputGrad(gy, w, [p.H, p.W], geom, "direct", "float32"),
    refKernels.convInputGrad(gd, w, [p.H, p.W], geom, "direct", "float32"),
    `convInputGrad ${name}`, p.Mg * K,
  );
  assertNear(convWeightGrad(x, gy, geom, "direct", "float32"), refKernels.convWeightGrad(xd, gd, geom, "direct", "float32"), `convWeightGrad ${name}`, p.N * L);
}

const base: Problem = { N: 2, C: 3, H: 7, W: 9, Mg: 1, kernel: [3, 3], stride: [1, 1], padding: [0, 0], dilation: [1, 1] };

test("wasm depthwise: edge geometries match the reference", () => {
  const cases: Partial<Problem>[] = [
    {},
    { N: 1, C: 2, H: 1, W: 1, kernel: [1, 1] },                               // everything size 1
    { W: 1, padding: [1, 1] }, { W: 2, padding: [1, 1] }, { W: 3, padding: [1, 1] }, // under one vector
    { W: 13, padding: [1, 1] }, { W: 17, H: 5 },                              // vectors and a tail
    { kernel: [1, 1] }, { kernel: [1, 1], stride: [2, 2] }, { kernel: [1, 1], padding: [1, 2] },
    { kernel: [5, 5], padding: [2, 2], W: 11 },
    { padding: [2, 2] }, { padding: [1, 2] }, { padding: [0, 3] },              // wide and asymmetric padding
    { stride: [2, 2], padding: [1, 1], W: 23 }, { stride: [2, 2], W: 8 }, { stride: [1, 2], W: 30 },
    { stride: [3, 3], padding: [1, 1], W: 20 }, { stride: [2, 3], padding: [0, 1] },
    { dilation: [2, 2], padding: [2, 2], W: 14 }, { dilation: [2, 3], H: 9, W: 15 }, { dilation: [2, 2], stride: [2, 2], W: 19 },
    { Mg: 2, padding: [1, 1] }, { Mg: 2, stride: [2, 2], kernel: [5, 5], padding: [2, 2], W: 21 }, { Mg: 3, kernel: [1, 3] },
    { kernel: [5, 5], padding: [2, 2], H: 3, W: 4 },                           // kernel larger than the input
    { kernel: [2, 4], padding: [0, 1], outSize: [6, 8] },                      // "same": the extra padding on the right
    { stride: [2, 2], padding: [1, 1], H: 9, W: 9, outSize: [4, 4] },         // last input row and column unused
    { N: 3, C: 8, H: 28, W: 28, padding: [1, 1] },                            // a small MobileNet layer
  ];
  for (const c of cases) checkProblem({ ...base, ...c });
});

test("wasm depthwise: random geometries match the reference", () => {
  for (let t = 0; t < 40; t++) {
    const kernel: [number, number] = [int(1, 5), int(1, 5)];
    const dilation: [number, number] = [int(1, 2), int(1, 2)];
    const padding: [number, number] = [int(0, 2), int(0, 2)];
    const span = (i: number) => dilation[i] * (kernel[i] - 1) + 1 - 2 * padding[i];
    checkProblem({
      N: int(1, 3), C: int(2, 5), Mg: int(1, 2),
      H: Math.max(1, span(0)) + int(0, 6), W: Math.max(1, span(1)) + int(0, 12),
      kernel, stride: [int(1, 3), int(1, 3)], padding, dilation,
    });
  }
});

test("wasm depthwise: empty batch, planes and outputs give empty or zero results", () => {
  const cases: Partial<Problem>[] = [
    { N: 0 },
    { H: 0, kernel: [1, 1], padding: [1, 1] },  // no input rows: the output is all padding
    { W: 0, kernel: [1, 1], padding: [1, 1] },
    { H: 2, outSize: [0, 7] },                  // no output rows
  ];
  for (const c of cases) {
    const p = { ...base, ...c };
    const geom = geometry(p);
    const x = dense([p.N, p.C, p.H, p.W]), w = dense([p.C, 1, ...p.kernel]), g = dense([p.N, p.C, ...geom.outSize]);
    const zeros = (n: number) => new Float32Array(n);
    const L = geom.outSize[0] * geom.outSize[1];
    assertSame(conv(x, w, geom, "direct", "float32"), zeros(p.N * p.C * L), `conv ${label(p)}`);
    assertSame(convInputGrad(g, w, [p.H, p.W], geom, "direct", "float32"), zeros(p.N * p.C * p.H * p.W), `convInputGrad ${label(p)}`);
    assertSame(convWeightGrad(x, g, geom, "direct", "float32"), zeros(p.C * p.kernel[0] * p.kernel[1]), `convWeightGrad ${label(p)}`);
  }
});

test("wasm depthwise: strided and offset views match the reference on a dense copy", () => {
  const p: Problem = { ...base, C: 4, Mg: 2, H: 7, W: 10, padding: [1, 1], stride: [2, 1] };
  const out = geometry(p).outSize;
  checkProblem(p, permuted([2, 4, 7, 10], [0, 2, 3, 1]), permuted([2, 8, ...out], [0, 2, 3, 1])); // NHWC storage
  checkProblem(p, permuted([2, 4, 7, 10], [3, 2, 1, 0], 0), permuted([2, 8, ...out], [3, 2, 1, 0], 0)); // reversed axes
  checkProblem(p, dense([2, 4, 7, 10], undefined, 17), dense([2, 8, ...out], undefined, 5));        // dense at an offset
});

test("wasm depthwise: other dtypes and ranks are the reference's results", () => {
  const geom = geometry({ ...base, padding: [1, 1] });
  const f64 = (v: View): View => ({ ...v, data: Float64Array.from(v.data) });
  const x = f64(dense([2, 3, 7, 9])), w = f64(dense([3, 1, 3, 3])), g = f64(dense([2, 3, 7, 9]));
  assertSame(conv(x, w, geom, "direct", "float64"), refKernels.conv(x, w, geom, "direct", "float64"), "float64 conv");
  assertSame(convInputGrad(g, w, [7, 9], geom, "direct", "float64"), refKernels.convInputGrad(g, w, [7, 9], geom, "direct", "float64"), "float64 input grad");
  assertSame(convWeightGrad(x, g, geom, "direct", "float64"), refKernels.convWeightGrad(x, g, geom, "direct", "float64"), "float64 weight grad");
});

test("wasm depthwise: 1-D convolutions run as 2-D ones over a 1-high image and match the reference", () => {
  const cases: { N: number; C: number; L: number; Mg: number; k: number; s: number; p: number; d: number }[] = [
    { N: 2, C: 3, L: 7, Mg: 1, k: 3, s: 1, p: 1, d: 1 },
    { N: 3, C: 4, L: 33, Mg: 2, k: 5, s: 2, p: 3, d: 1 },   // channel multiplier, stride, over-wide padding
    { N: 1, C: 2, L: 17, Mg: 1, k: 3, s: 1, p: 2, d: 3 },   // dilation
    { N: 2, C: 5, L: 1, Mg: 1, k: 1, s: 1, p: 0, d: 1 },    // size 1
  ];
  for (const c of cases) {
    const out = Math.floor((c.L + 2 * c.p - c.d * (c.k - 1) - 1) / c.s) + 1;
    const geom: ConvGeometry = { kernel: [c.k], stride: [c.s], padding: [c.p], dilation: [c.d], outSize: [out], groups: c.C };
    const M = c.C * c.Mg;
    const x = permuted([c.N, c.C, c.L], [2, 0, 1]), w = dense([M, 1, c.k]), g = dense([c.N, M, out]);
    const xd = toDense(x);
    const name = `1-D x[${c.N},${c.C},${c.L}] Mg${c.Mg} k${c.k} s${c.s} p${c.p} d${c.d}`;
    assertNear(conv(x, w, geom, "direct", "float32"), refKernels.conv(xd, w, geom, "direct", "float32"), `conv ${name}`, c.k);
    const g2: ConvGeometry = { ...geom, kernel: [1, c.k], stride: [1, c.s], padding: [0, c.p], dilation: [1, c.d], outSize: [1, out] };
    const as2d = (v: View) => dense([v.shape[0], v.shape[1], 1, v.shape[2]], toDense(v).data);
    assertSame(convWeightGrad(x, g, geom, "direct", "float32"), convWeightGrad(as2d(x), as2d(g), g2, "direct", "float32"), `convWeightGrad ${name} = its 2-D form`);
    assertNear(
      convInputGrad(g, w, [c.L], geom, "direct", "float32"), refKernels.convInputGrad(g, w, [c.L], geom, "direct", "float32"),
      `convInputGrad ${name}`, c.Mg * c.k,
    );
    assertNear(convWeightGrad(x, g, geom, "direct", "float32"), refKernels.convWeightGrad(xd, g, geom, "direct", "float32"), `convWeightGrad ${name}`, c.N * out);
  }
});

test("wasm backend: a depthwise conv2d op and its gradients match ref", () => {
  const leaf = (shape: number[]) => {
    const t = fromKernel(dense(shape).data, shape);
    t.requiresGrad = true;
    return t;
  };
  const x = leaf([2, 4, 11, 10]), w = leaf([8, 1, 3, 3]), b = leaf([8]);
  const run = () => {
    for (const t of [x, w, b]) t.grad = null;
    const y = conv2d(x, w, b, { stride: [1, 2], padding: 1, dilation: [2, 1], groups: 4, algorithm: "direct" });
    sum(y.mul(y)).backward();
    return [y, x.grad!, w.grad!, b.grad!].map((t) => t.toTypedArray());
  };
  const previous = getBackend();
  try {
    setBackend("wasm");
    const wasm = run();
    setBackend("ref");
    const ref = run();
    // Float32 summation error relative to the largest element (about 1e-4).
    ref.forEach((r, i) => assertNear(wasm[i], r, `tensor ${i}`, 128, Math.max(1, ...Array.from(r, Math.abs))));
  } finally {
    setBackend(previous);
  }
});

// Large enough that every kernel splits (over 2·2e6 flops); uneven splits of odd plane counts.
const threadCases: Problem[] = [
  { N: 4, C: 32, H: 56, W: 56, Mg: 1, kernel: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1] },
  { N: 3, C: 7, H: 99, W: 99, Mg: 2, kernel: [5, 5], stride: [2, 2], padding: [2, 2], dilation: [1, 1] },
];

for (const p of threadCases) {
  test(`wasm depthwise on 1 and 2 threads agrees bit for bit: ${label(p)}`, async () => {
    const geom = geometry(p);
    const x = dense([p.N, p.C, p.H, p.W]), w = dense([p.C * p.Mg, 1, ...p.kernel]), g = dense([p.N, p.C * p.Mg, ...geom.outSize]);
    const fwd = await onOneAndTwo(() => conv(x, w, geom, "direct", "float32"));
    assertSame(fwd[1], fwd[0], "forward");
    const dx = await onOneAndTwo(() => convInputGrad(g, w, [p.H, p.W], geom, "direct", "float32"));
    assertSame(dx[1], dx[0], "input grad");
    const dw = await onOneAndTwo(() => convWeightGrad(x, g, geom, "direct", "float32"));
    assertSame(dw[1], dw[0], "weight grad");
    await setNumThreads(1);
  });
}
