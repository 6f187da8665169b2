/**
 * The wasm backend's elementwise and reduction fast paths (binary add/sub/mul/div, unary
 * relu/neg/abs/square/sqrt, unaryGrad relu/neg, float32 sums) against the reference kernels,
 * bit for bit: dense, scalar, row/column/channel broadcasts, strided, offset and reversed views,
 * sizes 0 and 1, odd lengths (vector tails), special values (NaN, ±∞, ±0, division by zero),
 * and everything handed to the reference backend (other ops, dtypes and layouts).
 */
import { test } from "node:test";
import type { BinaryOp, UnaryOp, View } from "../../src/backend/backend.js";
import { refKernels } from "../../src/backend/ref/index.js";
import { binary, reduce, unary, unaryGrad } from "../../src/backend/wasm/index.js";
import { broadcastStrides, type Shape } from "../../src/tensor/shape.js";
import { assertSame, dense, gen, int, permuted } from "./wasm-util.js";

const ARITH: BinaryOp[] = ["add", "sub", "mul", "div"];
const P0 = { a: 0, b: 0 };

/** Random values with special ones mixed in: NaN, ±∞, ±0, and ties. */
function special(shape: readonly number[], offset = 0): View {
  const v = dense(shape, undefined, offset);
  const d = v.data as Float32Array;
  const pool = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 3.5e38, 1e-45];
  for (let i = 0; i < d.length; i++) if (gen.random() < 0.25) d[i] = pool[int(0, pool.length - 1)];
  return v;
}

/** v (of shape `from`) broadcast to `to`, as the ops hand it to the kernel. */
function broadcast(v: View, to: Shape): View {
  return { ...v, shape: to, strides: broadcastStrides(v.shape, v.strides, to) };
}

function checkBinary(a: View, b: View, shape: Shape, what: string): void {
  for (const op of [...ARITH, "maximum", "lt"] as BinaryOp[]) {
    const outDtype = op === "lt" ? "bool" : "float32";
    assertSame(binary(op, a, b, shape, outDtype), refKernels.binary(op, a, b, shape, outDtype), `${op} ${what}`);
  }
}

test("wasm binary: dense, scalar and broadcast operands equal the reference", () => {
  for (const shape of [[0], [1], [3], [4], [7], [33], [2, 3], [5, 9], [4, 6, 5], [2, 3, 4, 5], [1000]]) {
    const s = shape as number[];
    checkBinary(special(s), special(s), s, `same shape [${s}]`);
    checkBinary(special(s), broadcast(special([]), s), s, `[${s}] ∘ scalar`);
    checkBinary(broadcast(special([]), s), special(s), s, `scalar ∘ [${s}]`);
  }
  const cases: [number[], number[], number[]][] = [
    // [a shape, b shape, broadcast shape]
    [[64, 500], [500], [64, 500]],                 // linear bias
    [[7, 5], [7, 1], [7, 5]],                     // column broadcast
    [[3, 1], [1, 9], [3, 9]],                     // outer product pattern
    [[2, 6, 5, 7], [1, 6, 1, 1], [2, 6, 5, 7]],   // conv bias: channel broadcast (outer dims looped)
    [[2, 3, 17, 16], [3, 1, 1], [2, 3, 17, 16]],
    [[4, 1, 3], [1, 5, 3], [4, 5, 3]],
    [[2, 3, 2, 3], [3, 1, 3], [2, 3, 2, 3]],      // small blocks: reference kernel
    [[1, 1], [1], [1, 1]],
  ];
  for (const [sa, sb, shape] of cases) {
    checkBinary(broadcast(special(sa), shape), broadcast(special(sb), shape), shape, `[${sa}] ∘ [${sb}]`);
    checkBinary(broadcast(special(sb), shape), broadcast(special(sa), shape), shape, `[${sb}] ∘ [${sa}]`);
  }
});

test("wasm binary: strided, offset and reversed views equal the reference", () => {
  const shape = [6, 10];
  const rev: View = { ...dense(shape), strides: [-10, 1], offset: 50 };        // rows reversed
  const revCols: View = { ...dense(shape), strides: [10, -1], offset: 9 };     // columns reversed: reference
  const padded: View = { data: dense([6 * 13]).data, shape, strides: [13, 1], offset: 2 };
  const transposed = permuted(shape, [1, 0]);
  const thin: View = { data: dense([100_000]).data, shape: [3, 4], strides: [30_000, 1], offset: 7 }; // thin slice of big storage
  for (const a of [rev, revCols, padded, transposed, dense(shape, undefined, 11)]) {
    checkBinary(a, dense(shape), shape, `strides [${a.strides}] offset ${a.offset}`);
    checkBinary(dense(shape), a, shape, `dense ∘ strides [${a.strides}]`);
  }
  checkBinary(thin, dense([3, 4]), [3, 4], "thin slice");
});

test("wasm binary: other dtypes are the reference's results", () => {
  const a = dense([3, 4]), b = dense([3, 4]);
  const a64: View = { ...a, data: Float64Array.from(a.data) };
  const bi: View = { ...b, data: new Int32Array(12).map(() => int(-3, 3)) };
  for (const op of ARITH) {
    assertSame(binary(op, a64, b, [3, 4], "float64"), refKernels.binary(op, a64, b, [3, 4], "float64"), `${op} float64`);
    assertSame(binary(op, a, bi, [3, 4], "float32"), refKernels.binary(op, a, bi, [3, 4], "float32"), `${op} float32 ∘ int32`);
    assertSame(binary(op, bi, bi, [3, 4], "int32"), refKernels.binary(op, bi, bi, [3, 4], "int32"), `${op} int32`);
  }
});

const UNARY: UnaryOp[] = ["relu", "neg", "abs", "square", "sqrt", "exp", "leakyRelu"];
const GRAD: UnaryOp[] = ["relu", "neg", "square", "sigmoid"];

test("wasm unary and unaryGrad: equal the reference on dense and strided views", () => {
  const params = { a: 0.01, b: 0 };
  const views: View[] = [
    ...[[0], [1], [3], [4], [5], [9], [2, 3, 7], [1001]].map((s) => special(s)),
    special([5, 7], 4),
    { ...special([4, 6]), strides: [6, -1], offset: 5 },
    permuted([3, 5, 4], [2, 0, 1]),
  ];
  for (const x of views) {
    const what = `[${x.shape}] strides [${x.strides}]`;
    for (const op of UNARY) assertSame(unary(op, x, params, "float32"), refKernels.unary(op, x, params, "float32"), `${op} ${what}`);
    const g = special(x.shape);
    for (const op of GRAD) {
      assertSame(unaryGrad(op, x, g, params, "float32"), refKernels.unaryGrad(op, x, g, params, "float32"), `${op}′ ${what}`);
      assertSame(unaryGrad(op, g, x, params, "float32"), refKernels.unaryGrad(op, g, x, params, "float32"), `${op}′ (swapped) ${what}`);
    }
  }
  const x64: View = { ...dense([3, 5]), data: Float64Array.from(dense([3, 5]).data) };
  assertSame(unary("relu", x64, P0, "float64"), refKernels.unary("relu", x64, P0, "float64"), "relu float64");
  assertSame(unaryGrad("relu", x64, x64, P0, "float64"), refKernels.unaryGrad("relu", x64, x64, P0, "float64"), "relu′ float64");
  const xi: View = { ...dense([7]), data: new Int32Array(7).map(() => int(-3, 3)) };
  assertSame(unary("neg", xi, P0, "int32"), refKernels.unary("neg", xi, P0, "int32"), "neg int32");
});

test("wasm reduce: float32 sums equal the reference over any axes", () => {
  const shapes = [[0], [1], [5], [4, 0, 3], [64, 20, 7, 7], [3, 5, 7, 2], [2, 3, 4, 5, 6]];
  for (const shape of shapes) {
    const x = special(shape);
    const D = shape.length;
    // Every subset of axes.
    for (let mask = 0; mask < 1 << D; mask++) {
      const axes = [...Array(D).keys()].filter((d) => mask & (1 << d));
      assertSame(reduce("sum", x, axes, "float32"), refKernels.reduce("sum", x, axes, "float32"), `sum [${shape}] over [${axes}]`);
    }
  }
  const views: View[] = [permuted([4, 6, 5], [2, 0, 1]), { ...dense([6, 8]), strides: [-8, 1], offset: 40 }, { data: dense([10_000]).data, shape: [3, 3], strides: [3000, 7], offset: 1 }];
  for (const x of views) {
    for (const axes of [[0], [x.shape.length - 1], [...x.shape.keys()]]) {
      assertSame(reduce("sum", x, axes, "float32"), refKernels.reduce("sum", x, axes, "float32"), `sum strides [${x.strides}] over [${axes}]`);
    }
  }
  const x = special([3, 4]);
  const x64: View = { ...x, data: Float64Array.from(x.data) };
  for (const [op, v, dt] of [["max", x, "float32"], ["min", x, "float32"], ["sum", x64, "float64"], ["sum", x, "float64"]] as const) {
    assertSame(reduce(op, v, [1], dt), refKernels.reduce(op, v, [1], dt), `${op} → ${dt}`);
  }
  // Mean-like use: a dense [N, C, H, W] gradient summed to the channel axis (the conv bias gradient).
  const g = dense([8, 5, 6, 6]);
  assertSame(reduce("sum", g, [0, 2, 3], "float32"), refKernels.reduce("sum", g, [0, 2, 3], "float32"), "channel sum");
  const y = dense([2, 3]);
  assertSame(reduce("sum", y, [], "float32"), refKernels.reduce("sum", y, [], "float32"), "no axes");
});
