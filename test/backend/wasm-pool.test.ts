/**
 * The wasm backend's pooling kernels (maxPool, avgPool, avgPoolGrad, scatterPlanes) against the
 * reference kernels, bit for bit: random and edge geometries (size 0 and 1, odd sizes, stride,
 * padding, dilation, windows over the right edge and windows with no real element), ties, NaN
 * and ±∞ in windows, strided views, and the cases handed to the reference backend.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { View, WindowGeometry } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { avgPool, avgPoolGrad, maxPool, scatterPlanes } from "../../src/backend/wasm/index.js";
import { numel } from "../../src/tensor/shape.js";
import { assertSame, dense, gen, int, permuted, toDense } from "./wasm-util.js";

/** A pooling problem over x [N, C, H, W]. */
interface Problem {
  N: number; C: number; H: number; W: number;
  kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number];
  ceil?: boolean;
}

/** Output size as PyTorch's pooling computes it (with ceil_mode's rule for the last window). */
function geometry(p: Problem): WindowGeometry {
  const out = (i: number, n: number) => {
    const span = n + 2 * p.padding[i] - p.dilation[i] * (p.kernel[i] - 1) - 1;
    let o = Math.floor((span + (p.ceil ? p.stride[i] - 1 : 0)) / p.stride[i]) + 1;
    if (p.ceil && (o - 1) * p.stride[i] >= n + p.padding[i]) o--;
    return o;
  };
  return { kernel: p.kernel, stride: p.stride, padding: p.padding, dilation: p.dilation, outSize: [out(0, p.H), out(1, p.W)] };
}

const label = (p: Problem) => `x[${p.N},${p.C},${p.H},${p.W}] k${p.kernel} s${p.stride} p${p.padding} d${p.dilation}${p.ceil ? " ceil" : ""}`;

const base: Problem = { N: 2, C: 3, H: 7, W: 9, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] };

const cases: Partial<Problem>[] = [
  {},
  { N: 1, C: 1, H: 1, W: 1, kernel: [1, 1], stride: [1, 1] },
  { kernel: [3, 3], stride: [1, 1] }, { kernel: [3, 2], stride: [2, 3] },
  { kernel: [3, 3], stride: [2, 2], padding: [1, 1] }, { kernel: [5, 4], stride: [1, 2], padding: [2, 1] },
  { kernel: [3, 3], stride: [3, 3], ceil: true }, { kernel: [2, 2], stride: [2, 2], ceil: true, padding: [1, 1] },
  { kernel: [3, 3], stride: [1, 1], dilation: [2, 3] }, { kernel: [2, 3], stride: [2, 1], dilation: [3, 2], padding: [1, 1] },
  { W: 33, kernel: [2, 2], stride: [2, 2] },   // long rows: vector body and scalar tail
  { W: 40, kernel: [3, 3], stride: [1, 1], padding: [1, 1] },
  { W: 31, kernel: [2, 3], stride: [1, 3] },   // stride 3: gathered lanes
  { N: 4, C: 20, H: 28, W: 28 },               // LeNet's first pooling
  // The 2×2 stride-2 kernel: rows of 1–3 outputs (scalar), 4, and ragged ends redone overlapping.
  { W: 2, H: 2 }, { W: 5 }, { W: 7, H: 3 }, { W: 11 }, { W: 15, H: 5 }, { N: 3, C: 50, H: 14, W: 14 },
];

function randomProblem(): Problem {
  const kernel: [number, number] = [int(1, 4), int(1, 4)];
  const dilation: [number, number] = [int(1, 2), int(1, 2)];
  const padding: [number, number] = [int(0, Math.floor(kernel[0] / 2)), int(0, Math.floor(kernel[1] / 2))];
  const ext = (i: number) => dilation[i] * (kernel[i] - 1) + 1;
  return {
    N: int(1, 2), C: int(1, 3), H: Math.max(1, ext(0) - 2 * padding[0]) + int(0, 9), W: Math.max(1, ext(1) - 2 * padding[1]) + int(0, 17),
    kernel, stride: [int(1, 3), int(1, 3)], padding, dilation, ceil: gen.random() < 0.5,
  };
}

/** Random values with ties (a few distinct values), NaN and ±∞ sprinkled in when `special`. */
function poolInput(shape: number[], special: boolean): View {
  const v = dense(shape);
  const d = v.data as Float32Array;
  for (let i = 0; i < d.length; i++) {
    const r = gen.random();
    if (r < 0.3) d[i] = int(-2, 2);              // ties
    else if (special && r < 0.36) d[i] = NaN;
    else if (special && r < 0.4) d[i] = Infinity;
    else if (special && r < 0.44) d[i] = -Infinity;
  }
  return v;
}

function checkMaxPool(p: Problem, x: View): void {
  const geom = geometry(p);
  const xd = toDense(x);
  for (const mode of ["max", "min"] as const) {
    const got = maxPool(x, geom, mode), want = refKernels.maxPool(xd, geom, mode);
    assertSame(got.values, want.values, `${mode}Pool values ${label(p)}`);
    assertSame(got.indices, want.indices, `${mode}Pool indices ${label(p)}`);
  }
}

function checkAvgPool(p: Problem, x: View): void {
  const geom = geometry(p);
  const xd = toDense(x);
  const g = dense([p.N, p.C, ...geom.outSize]);
  for (const [cip, div] of [[true, null], [false, null], [true, 3], [false, 0.5]] as const) {
    const what = `${label(p)} countIncludePad ${cip} divisor ${div}`;
    assertSame(avgPool(x, geom, cip, div), refKernels.avgPool(xd, geom, cip, div), `avgPool ${what}`);
    assertSame(avgPoolGrad(g, [p.H, p.W], geom, cip, div), refKernels.avgPoolGrad(g, [p.H, p.W], geom, cip, div), `avgPoolGrad ${what}`);
  }
}

test("wasm maxPool/minPool: values and indices equal the reference, ties, NaN and ±∞ included", () => {
  for (const c of cases) {
    const p = { ...base, ...c };
    checkMaxPool(p, poolInput([p.N, p.C, p.H, p.W], false));
    checkMaxPool(p, poolInput([p.N, p.C, p.H, p.W], true));
  }
  for (let t = 0; t < 40; t++) {
    const p = randomProblem();
    checkMaxPool(p, poolInput([p.N, p.C, p.H, p.W], t % 2 === 0));
  }
});

test("wasm maxPool: windows with no real element give ∓∞ and index −1; all −∞ windows report their first element", () => {
  // Dilation 3 with padding 1 on a 2×2 input: some windows see only padding.
  const p: Problem = { N: 1, C: 2, H: 2, W: 2, kernel: [2, 2], stride: [1, 1], padding: [1, 1], dilation: [3, 3] };
  const geom = geometry(p);
  const x = poolInput([1, 2, 2, 2], false);
  const got = maxPool(x, geom, "max");
  assert.ok(got.indices.includes(-1), "some window is empty");
  got.indices.forEach((i, k) => i === -1 && assert.equal(got.values[k], -Infinity));
  checkMaxPool(p, x);
  const allNegInf = dense([1, 1, 4, 4], new Float32Array(16).fill(-Infinity));
  const r = maxPool(allNegInf, geometry({ ...base, N: 1, C: 1, H: 4, W: 4 }), "max");
  assert.deepEqual(Array.from(r.indices), [0, 2, 8, 10]);
  checkMaxPool({ ...base, N: 1, C: 1, H: 4, W: 4 }, allNegInf);
});

test("wasm avgPool/avgPoolGrad: equal the reference for every divisor rule", () => {
  for (const c of cases) {
    const p = { ...base, ...c, dilation: [1, 1] as [number, number] }; // average pooling has no dilation
    checkAvgPool(p, dense([p.N, p.C, p.H, p.W]));
  }
  for (let t = 0; t < 25; t++) {
    const p = { ...randomProblem(), dilation: [1, 1] as [number, number] };
    checkAvgPool(p, dense([p.N, p.C, p.H, p.W]));
  }
  // A dilated window is still pooled as the reference does.
  checkAvgPool({ ...base, kernel: [2, 2], stride: [1, 1], dilation: [2, 2] }, dense([2, 3, 7, 9]));
});

test("wasm pooling: empty batch and channels give empty results", () => {
  for (const [N, C] of [[0, 3], [2, 0]]) {
    const p = { ...base, N, C };
    const geom = geometry(p);
    const x = dense([N, C, 7, 9]);
    const r = maxPool(x, geom, "max");
    assertSame(r.values, new Float32Array(0), "maxPool values");
    assertSame(r.indices, new Int32Array(0), "maxPool indices");
    assertSame(avgPool(x, geom, true, null), new Float32Array(0), "avgPool");
    assertSame(avgPoolGrad(dense([N, C, ...geom.outSize]), [7, 9], geom, true, null), new Float32Array(0), "avgPoolGrad");
  }
});

test("wasm pooling: strided and offset input views equal the reference on a dense copy", () => {
  const p: Problem = { ...base, kernel: [3, 3], stride: [2, 1], padding: [1, 1] };
  for (const x of [permuted([2, 3, 7, 9], [0, 2, 3, 1]), permuted([2, 3, 7, 9], [3, 1, 2, 0], 0), dense([2, 3, 7, 9], undefined, 5)]) {
    checkMaxPool(p, x);
    checkAvgPool(p, x);
  }
});

test("wasm scatterPlanes: equals the reference, repeated indices accumulating in order", () => {
  for (const [planes, per, planeSize] of [[1, 1, 1], [6, 12, 49], [3, 40, 7], [128, 49, 196], [5, 0, 4]]) {
    const src = dense([planes, per]);
    const idx = new Int32Array(planes * per).map(() => int(0, planeSize - 1));
    const indices = dense([planes, per], idx);
    assertSame(scatterPlanes(src, indices, planes, planeSize, "float32"), refKernels.scatterPlanes(src, indices, planes, planeSize, "float32"), `[${planes}, ${per}] → ${planeSize}`);
  }
  // Max-pool backward: the gradient goes to each window's winner.
  const x = poolInput([2, 3, 8, 8], true);
  const geom = geometry({ ...base, H: 8, W: 8, kernel: [3, 3], stride: [1, 1] });
  const { indices } = maxPool(x, geom, "max");
  const g = dense([2, 3, ...geom.outSize]);
  const iv = dense(g.shape, indices);
  assertSame(scatterPlanes(g, iv, 6, 64, "float32"), refKernels.scatterPlanes(g, iv, 6, 64, "float32"), "max-pool backward");
  // Strided views of src and indices.
  const src = permuted([4, 6], [1, 0]);
  const idx = { ...permuted([4, 6], [1, 0]), data: new Int32Array(27).map(() => int(0, 9)) };
  assertSame(scatterPlanes(src, idx, 4, 10, "float32"), refKernels.scatterPlanes(toDense(src), dense([4, 6], Int32Array.from(toDense(idx).data)), 4, 10, "float32"), "strided");
  assertSame(scatterPlanes(dense([0, 5]), dense([0, 5], new Int32Array(0)), 0, 9, "float32"), new Float32Array(0), "no planes");
});

test("wasm pooling: 1-D windows run as 2-D ones over 1-high planes, with the reference's values and indices", () => {
  const cases: { L: number; g: WindowGeometry }[] = [
    { L: 7, g: { kernel: [2], stride: [2], padding: [0], dilation: [1], outSize: [3] } },
    { L: 17, g: { kernel: [3], stride: [2], padding: [1], dilation: [1], outSize: [9] } },   // padding
    { L: 16, g: { kernel: [3], stride: [2], padding: [1], dilation: [2], outSize: [8] } },   // dilation, a window with one real element
    { L: 10, g: { kernel: [3], stride: [3], padding: [1], dilation: [1], outSize: [4] } },   // ceil mode: the last window clipped
    { L: 1, g: { kernel: [1], stride: [1], padding: [0], dilation: [1], outSize: [1] } },    // size 1
  ];
  for (const { L, g } of cases) {
    const x = permuted([3, 4, L], [2, 1, 0]);
    const xd = toDense(x);
    const name = `1-D L${L} k${g.kernel} s${g.stride} p${g.padding} d${g.dilation}`;
    for (const mode of ["max", "min"] as const) {
      const got = maxPool(x, g, mode), want = refKernels.maxPool(xd, g, mode);
      assertSame(got.values, want.values, `${name} ${mode}Pool values`);
      assertSame(got.indices, want.indices, `${name} ${mode}Pool indices`);
    }
    const gy = dense([3, 4, g.outSize[0]]);
    for (const [pad, div] of [[true, null], [false, null], [true, 3]] as const) {
      assertSame(avgPool(x, g, pad, div), refKernels.avgPool(xd, g, pad, div), `${name} avgPool ${pad} ${div}`);
      assertSame(avgPoolGrad(gy, [L], g, pad, div), refKernels.avgPoolGrad(gy, [L], g, pad, div), `${name} avgPoolGrad ${pad} ${div}`);
    }
  }
});

test("wasm pooling: float64, int32 and 3-D inputs are the reference's results", () => {
  const geom2 = geometry(base);
  const x = dense([2, 3, 7, 9]);
  const x64: View = { ...x, data: Float64Array.from(x.data) };
  const xi: View = { ...x, data: new Int32Array(numel(x.shape)).map(() => int(-5, 5)) };
  for (const v of [x64, xi]) {
    const got = maxPool(v, geom2, "max"), want = refKernels.maxPool(v, geom2, "max");
    assertSame(got.values, want.values, "maxPool values");
    assertSame(got.indices, want.indices, "maxPool indices");
  }
  assertSame(avgPool(x64, geom2, true, null), refKernels.avgPool(x64, geom2, true, null), "avgPool float64");
  const g3: WindowGeometry = { kernel: [2, 2, 2], stride: [2, 2, 2], padding: [0, 0, 0], dilation: [1, 1, 1], outSize: [2, 2, 2] };
  const x3 = dense([1, 2, 4, 4, 5]);
  assertSame(maxPool(x3, g3, "min").indices, refKernels.maxPool(x3, g3, "min").indices, "3-D minPool");
  const s64 = { ...dense([2, 4]), data: new Float64Array(8).fill(1) };
  const iv = dense([2, 4], new Int32Array(8));
  assertSame(scatterPlanes(s64, iv, 2, 3, "float64"), refKernels.scatterPlanes(s64, iv, 2, 3, "float64"), "scatterPlanes float64");
});
