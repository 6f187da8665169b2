/**
 * The wasm backend's 3-D convolutions (sums of 2-D ones over depth slices, wasm/conv3d.ts)
 * against the reference's direct loops: forward (with bias and ReLU), input and weight
 * gradients, for im2col (strides, padding deeper than the kernel reach, dilation, groups) and
 * direct depthwise, strided input views, empty sizes, and the same bits on 1 and 2 threads.
 */
import { test } from "node:test";
import type { ConvAlgorithm, ConvGeometry, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { conv, convInputGrad, convWeightGrad } from "../../src/backend/wasm/index.js";
import { setNumThreads } from "../../src/backend/threads.js";
import { assertNear, assertSame, dense, int, onOneAndTwo, permuted, toDense } from "./wasm-util.js";

/** A 3-D problem: x [N, C, D, H, W], w [M, C/G, ...kernel]. */
interface Problem {
  N: number; C: number; M: number; G: number; in: [number, number, number];
  kernel: [number, number, number]; stride: [number, number, number]; padding: [number, number, number]; dilation: [number, number, number];
}

function geometry(p: Problem): ConvGeometry {
  const out = (i: number) => Math.floor((p.in[i] + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1) / p.stride[i]) + 1;
  return { kernel: p.kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, outSize: [out(0), out(1), out(2)], groups: p.G };
}

const label = (p: Problem) => `x[${p.N},${p.C},${p.in}] w[${p.M},${p.C / p.G},${p.kernel}] G${p.G} s${p.stride} p${p.padding} d${p.dilation}`;

/** Checks the three kernels against the reference's direct convolution (x may be any view). */
function check(p: Problem, algorithm: ConvAlgorithm, x: View = dense([p.N, p.C, ...p.in])): void {
  const geom = geometry(p);
  const w = dense([p.M, p.C / p.G, ...p.kernel]);
  const b = dense([p.M]);
  const g = dense([p.N, p.M, ...geom.outSize]);
  const xd = toDense(x);
  const K = (p.C / p.G) * p.kernel[0] * p.kernel[1] * p.kernel[2];
  const L = geom.outSize[0] * geom.outSize[1] * geom.outSize[2];
  const name = `${algorithm} ${label(p)}`;
  for (const relu of [false, true]) {
    assertNear(
      conv(x, w, geom, algorithm, "float32", b, relu), refKernels.conv(xd, w, geom, "direct", "float32", b, relu),
      `conv ${name}${relu ? " +relu" : ""}`, K + 1,
    );
  }
  assertNear(
    convInputGrad(g, w, p.in, geom, algorithm, "float32"), refKernels.convInputGrad(g, w, p.in, geom, "direct", "float32"),
    `convInputGrad ${name}`, (p.M / p.G) * p.kernel[0] * p.kernel[1] * p.kernel[2],
  );
  assertNear(convWeightGrad(x, g, geom, algorithm, "float32"), refKernels.convWeightGrad(xd, g, geom, "direct", "float32"), `convWeightGrad ${name}`, p.N * L);
}

const base: Problem = { N: 2, C: 3, M: 4, G: 1, in: [5, 6, 7], kernel: [3, 3, 3], stride: [1, 1, 1], padding: [1, 1, 1], dilation: [1, 1, 1] };

test("wasm conv3d (im2col): edge and random geometries match the reference", () => {
  const cases: Partial<Problem>[] = [
    {},
    { padding: [0, 0, 0] },
    { stride: [2, 1, 2], padding: [2, 1, 0] },                     // depth stride; padding deeper than the kernel reaches at the ends
    { dilation: [2, 1, 1], padding: [2, 1, 1], in: [7, 5, 5] },    // depth dilation
    { kernel: [1, 3, 3] }, { kernel: [3, 1, 1] },                  // flat kernels
    { C: 4, M: 6, G: 2 },                                          // groups
    { N: 1, C: 1, M: 1, in: [1, 1, 1], kernel: [1, 1, 1], padding: [0, 0, 0] }, // everything size 1
    { kernel: [3, 3, 3], padding: [0, 0, 0], in: [3, 3, 3] },      // one output voxel
  ];
  for (const c of cases) check({ ...base, ...c }, "im2col");
  for (let t = 0; t < 12; t++) {
    const kernel: [number, number, number] = [int(1, 3), int(1, 3), int(1, 3)];
    const dilation: [number, number, number] = [int(1, 2), int(1, 2), int(1, 2)];
    const padding: [number, number, number] = [int(0, 2), int(0, 2), int(0, 2)];
    const reach = (i: number) => dilation[i] * (kernel[i] - 1) + 1 - 2 * padding[i];
    const G = [1, 1, 2][int(0, 2)];
    const p: Problem = {
      N: int(1, 2), C: G * int(1, 3), M: G * int(1, 3), G, kernel, dilation, padding, stride: [int(1, 3), int(1, 2), int(1, 3)],
      in: [Math.max(1, reach(0)) + int(0, 4), Math.max(1, reach(1)) + int(0, 4), Math.max(1, reach(2)) + int(0, 4)],
    };
    check(p, "im2col");
  }
});

test("wasm conv3d (direct depthwise): matches the reference, channel multiplier included", () => {
  check({ ...base, C: 4, M: 4, G: 4 }, "direct");
  check({ ...base, C: 3, M: 6, G: 3, stride: [2, 2, 1], padding: [1, 0, 1] }, "direct");
});

test("wasm conv3d: strided input views and empty sizes", () => {
  const p: Problem = { ...base, C: 4, M: 6, G: 2, stride: [2, 1, 1] };
  check(p, "im2col", permuted([2, 4, 5, 6, 7], [0, 2, 3, 4, 1])); // channels last
  check(p, "im2col", permuted([2, 4, 5, 6, 7], [4, 3, 2, 1, 0], 0)); // every axis reversed
  for (const c of [{ N: 0 }, { M: 0 }]) {
    const q = { ...base, ...c };
    const geom = geometry(q);
    const x = dense([q.N, q.C, ...q.in]), w = dense([q.M, q.C, ...q.kernel]), g = dense([q.N, q.M, ...geom.outSize]);
    assertSame(conv(x, w, geom, "im2col", "float32"), new Float32Array(0), `conv ${label(q)}`);
    assertSame(convInputGrad(g, w, q.in, geom, "im2col", "float32"), new Float32Array(q.N * q.C * 210), `convInputGrad ${label(q)}`);
    assertSame(convWeightGrad(x, g, geom, "im2col", "float32"), new Float32Array(q.M * q.C * 27), `convWeightGrad ${label(q)}`);
  }
});

test("wasm conv3d: the same bits on 1 and 2 threads", async () => {
  const p: Problem = { ...base, N: 3, C: 8, M: 8, in: [6, 12, 12] };
  const geom = geometry(p);
  const x = dense([p.N, p.C, ...p.in]), w = dense([p.M, p.C, ...p.kernel]), g = dense([p.N, p.M, ...geom.outSize]);
  for (const [name, run] of [
    ["conv", () => conv(x, w, geom, "im2col", "float32", null, true)],
    ["convInputGrad", () => convInputGrad(g, w, p.in, geom, "im2col", "float32")],
    ["convWeightGrad", () => convWeightGrad(x, g, geom, "im2col", "float32")],
  ] as const) {
    const [one, two] = await onOneAndTwo(run);
    assertSame(two, one, `${name}: 1 vs 2 threads`);
  }
  await setNumThreads(1);
});
