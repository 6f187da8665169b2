import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, zeros, randn, gradcheck, permute, Generator, ShapeError, ValueError, DTypeError, type Tensor } from "../../src/index.js";
import {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convOutputShape, convMacs, type IntOrTuple,
} from "../../src/nn/functional/conv.js";
import { Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, SeparableConv2d } from "../../src/nn/layers/conv.js";
import { count, unravel } from "../core/helpers.js";

// ---- independent references: direct loops over every output (conv) or input (transposed) ----

interface RefGeom {
  stride: number[];
  padLeft: number[];
  padRight: number[];
  dilation: number[];
  groups: number;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, v, d) => acc * shape[d] + v, 0);
}
const flat = (t: Tensor) => Array.from(t.toTypedArray());

/** y[n, m, o] = Σ_{c in group, k} x[n, c, o·s − pL + k·d] · w[m, c, k] over the zero-padded input. */
function refConv(x: Tensor, w: Tensor, b: Tensor | null, g: RefGeom): { data: number[]; shape: number[] } {
  const [N, C, ...inS] = x.shape;
  const [M, Cg, ...ks] = w.shape;
  const outS = inS.map((n, i) => Math.floor((n + g.padLeft[i] + g.padRight[i] - g.dilation[i] * (ks[i] - 1) - 1) / g.stride[i]) + 1);
  const xs = flat(x), ws = flat(w), bs = b ? flat(b) : null;
  const Mg = M / g.groups;
  const out = new Array<number>(N * M * count(outS)).fill(0);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let o = 0; o < count(outS); o++) {
    const oi = unravel(o, outS);
    let acc = bs ? bs[m] : 0;
    const grp = Math.floor(m / Mg);
    for (let cl = 0; cl < Cg; cl++) for (let k = 0; k < count(ks); k++) {
      const ki = unravel(k, ks);
      const pos = oi.map((v, d) => v * g.stride[d] - g.padLeft[d] + ki[d] * g.dilation[d]);
      if (pos.some((p, d) => p < 0 || p >= inS[d])) continue;
      const c = grp * Cg + cl;
      acc += xs[(n * C + c) * count(inS) + ravel(pos, inS)] * ws[(m * Cg + cl) * count(ks) + k];
    }
    out[(n * M + m) * count(outS) + o] = acc;
  }
  return { data: out, shape: [N, M, ...outS] };
}

/** Every input element scatters x · w[cin, co, k] to output position i·s − p + k·d (then crops). */
function refConvTranspose(x: Tensor, w: Tensor, b: Tensor | null, g: { stride: number[]; padding: number[]; outputPadding: number[]; dilation: number[]; groups: number }) {
  const [N, Cin, ...inS] = x.shape;
  const [, Coutg, ...ks] = w.shape;
  const Cout = Coutg * g.groups;
  const Cing = Cin / g.groups;
  const outS = inS.map((n, i) => (n - 1) * g.stride[i] - 2 * g.padding[i] + g.dilation[i] * (ks[i] - 1) + g.outputPadding[i] + 1);
  const xs = flat(x), ws = flat(w), bs = b ? flat(b) : null;
  const P = count(outS);
  const out = new Array<number>(N * Cout * P).fill(0);
  for (let n = 0; n < N; n++) for (let co = 0; co < Cout; co++) for (let p = 0; p < P; p++) out[(n * Cout + co) * P + p] = bs ? bs[co] : 0;
  for (let n = 0; n < N; n++) for (let ci = 0; ci < Cin; ci++) for (let i = 0; i < count(inS); i++) {
    const ii = unravel(i, inS);
    const grp = Math.floor(ci / Cing);
    for (let col = 0; col < Coutg; col++) for (let k = 0; k < count(ks); k++) {
      const ki = unravel(k, ks);
      const pos = ii.map((v, d) => v * g.stride[d] - g.padding[d] + ki[d] * g.dilation[d]);
      if (pos.some((q, d) => q < 0 || q >= outS[d])) continue;
      const co = grp * Coutg + col;
      out[(n * Cout + co) * P + ravel(pos, outS)] += xs[(n * Cin + ci) * count(inS) + i] * ws[(ci * Coutg + col) * count(ks) + k];
    }
  }
  return { data: out, shape: [N, Cout, ...outS] };
}

function assertClose(got: Tensor, want: { data: number[]; shape: number[] }, tol = 1e-4): void {
  assert.deepEqual(got.shape, want.shape);
  const g = flat(got);
  g.forEach((v, i) => assert.ok(Math.abs(v - want.data[i]) <= tol * (1 + Math.abs(want.data[i])), `element ${i}: ${v} vs ${want.data[i]}`));
}

const rep = (v: number, D: number) => new Array<number>(D).fill(v);
const gen = new Generator(1234);
const rnd = (shape: number[], requiresGrad = false) => randn(shape, { dtype: "float64", generator: gen, requiresGrad });

// ---- course example ----

const image = [[2, 4, 9, 1, 4], [2, 1, 4, 4, 6], [1, 1, 2, 9, 2], [7, 3, 5, 1, 3], [2, 3, 4, 8, 5]];
const kernel = [[1, 2, 3], [-4, 7, 4], [2, -5, 1]];

describe("conv2d: course worked example (5x5 image, 3x3 kernel)", () => {
  const x = tensor([[image]]);
  const w = tensor([[kernel]]);
  it("valid (no padding)", () => {
    assert.deepEqual(conv2d(x, w).toArray(), [[[[51, 66, 20], [31, 49, 101], [15, 53, -2]]]]);
  });
  it("padding 1 keeps the size", () => {
    assert.deepEqual(conv2d(x, w, null, { padding: 1 }).toArray(), [[[
      [21, 59, 37, -19, 2], [30, 51, 66, 20, 43], [-14, 31, 49, 101, -19], [59, 15, 53, -2, 21], [49, 57, 64, 76, 10],
    ]]]);
  });
  it("'same' equals padding 1 and 'valid' equals padding 0", () => {
    assert.deepEqual(conv2d(x, w, null, { padding: "same" }).toArray(), conv2d(x, w, null, { padding: 1 }).toArray());
    assert.deepEqual(conv2d(x, w, null, { padding: "valid" }).toArray(), conv2d(x, w).toArray());
  });
});

// ---- forward against the references ----

interface ConvCase { D: 1 | 2 | 3; N: number; C: number; M: number; inS: number[]; k: number[]; s: number; p: number; d: number; g: number }
const convCases: ConvCase[] = [
  { D: 1, N: 2, C: 3, M: 4, inS: [11], k: [3], s: 2, p: 1, d: 1, g: 1 },
  { D: 1, N: 1, C: 4, M: 6, inS: [9], k: [2], s: 1, p: 2, d: 3, g: 2 },
  { D: 2, N: 2, C: 4, M: 6, inS: [7, 6], k: [3, 2], s: 2, p: 1, d: 2, g: 2 },
  { D: 2, N: 3, C: 3, M: 2, inS: [5, 5], k: [3, 3], s: 1, p: 0, d: 1, g: 1 },
  { D: 2, N: 2, C: 4, M: 8, inS: [6, 5], k: [3, 3], s: 1, p: 1, d: 1, g: 4 }, // depthwise ×2
  { D: 2, N: 2, C: 5, M: 3, inS: [4, 4], k: [1, 1], s: 1, p: 0, d: 1, g: 1 }, // pointwise
  { D: 3, N: 2, C: 2, M: 3, inS: [4, 5, 4], k: [2, 3, 2], s: 1, p: 1, d: 1, g: 1 },
  { D: 3, N: 1, C: 4, M: 2, inS: [5, 5, 5], k: [3, 3, 3], s: 2, p: 1, d: 1, g: 2 },
];
const convFns = { 1: conv1d, 2: conv2d, 3: conv3d };

describe("conv1d/conv2d/conv3d: forward matches a direct loop reference", () => {
  for (const c of convCases) {
    it(`${c.D}-D x[${c.N},${c.C},${c.inS}] → ${c.M}, k=${c.k} s=${c.s} p=${c.p} d=${c.d} g=${c.g}`, () => {
      const x = rnd([c.N, c.C, ...c.inS]);
      const w = rnd([c.M, c.C / c.g, ...c.k]);
      const b = rnd([c.M]);
      const y = convFns[c.D](x, w, b, { stride: c.s, padding: c.p, dilation: c.d, groups: c.g });
      assertClose(y, refConv(x, w, b, { stride: rep(c.s, c.D), padLeft: rep(c.p, c.D), padRight: rep(c.p, c.D), dilation: rep(c.d, c.D), groups: c.g }));
    });
  }

  it("padding 'same' with an even kernel puts the extra zero on the right (PyTorch)", () => {
    const x = rnd([2, 2, 7, 8]);
    const w = rnd([3, 2, 2, 4]);
    const y = conv2d(x, w, null, { padding: "same", dilation: [3, 1] });
    // totals d(k−1): 3 (left 1, right 2) and 3 (left 1, right 2)
    assertClose(y, refConv(x, w, null, { stride: [1, 1], padLeft: [1, 1], padRight: [2, 2], dilation: [3, 1], groups: 1 }));
  });

  it("accepts non-contiguous input and weight", () => {
    const x = rnd([2, 5, 5, 3]);
    const w = rnd([3, 3, 4, 3]);
    const xv = permute(x, [0, 3, 1, 2]); // [2,3,5,5]
    const wv = permute(w, [3, 0, 1, 2]); // [3,3,3,4]
    const y = conv2d(xv, wv, null, { padding: 1 });
    assertClose(y, refConv(xv.contiguous(), wv.contiguous(), null, { stride: [1, 1], padLeft: [1, 1], padRight: [1, 1], dilation: [1, 1], groups: 1 }));
  });

  it("accepts an unbatched [C, H, W] input like PyTorch", () => {
    const x = rnd([3, 6, 6]);
    const w = rnd([2, 3, 3, 3]);
    const y = conv2d(x, w, null, { stride: 2 });
    assert.deepEqual(y.shape, [2, 2, 2]);
    assert.deepEqual(y.toArray(), (conv2d(x.reshape([1, 3, 6, 6]), w, null, { stride: 2 }).toArray() as number[][][][])[0]);
  });

  it("works in float32", () => {
    const x = randn([2, 3, 6, 6], { generator: gen });
    const w = randn([4, 3, 3, 3], { generator: gen });
    const y = conv2d(x, w);
    assert.equal(y.dtype, "float32");
    assertClose(y, refConv(x, w, null, { stride: [1, 1], padLeft: [0, 0], padRight: [0, 0], dilation: [1, 1], groups: 1 }));
  });
});

interface TCase { D: 1 | 2; N: number; Cin: number; Cout: number; inS: number[]; k: number[]; s: number; p: number; op: number; d: number; g: number }
const tCases: TCase[] = [
  { D: 1, N: 2, Cin: 3, Cout: 2, inS: [5], k: [3], s: 2, p: 1, op: 1, d: 1, g: 1 },
  { D: 1, N: 1, Cin: 4, Cout: 6, inS: [6], k: [4], s: 1, p: 2, op: 0, d: 2, g: 2 },
  { D: 2, N: 2, Cin: 2, Cout: 3, inS: [3, 4], k: [2, 2], s: 2, p: 0, op: 0, d: 1, g: 1 },
  { D: 2, N: 2, Cin: 4, Cout: 4, inS: [3, 3], k: [3, 3], s: 2, p: 1, op: 1, d: 1, g: 2 },
  { D: 2, N: 1, Cin: 2, Cout: 2, inS: [3, 3], k: [3, 2], s: 2, p: 1, op: 2, d: 3, g: 1 }, // outputPadding ≥ stride but < dilation
];
const tFns = { 1: convTranspose1d, 2: convTranspose2d };

describe("convTranspose1d/convTranspose2d: forward matches a scatter reference", () => {
  for (const c of tCases) {
    it(`${c.D}-D x[${c.N},${c.Cin},${c.inS}] → ${c.Cout}, k=${c.k} s=${c.s} p=${c.p} op=${c.op} d=${c.d} g=${c.g}`, () => {
      const x = rnd([c.N, c.Cin, ...c.inS]);
      const w = rnd([c.Cin, c.Cout / c.g, ...c.k]);
      const b = rnd([c.Cout]);
      const o = { stride: c.s, padding: c.p, outputPadding: c.op, dilation: c.d, groups: c.g };
      assertClose(tFns[c.D](x, w, b, o), refConvTranspose(x, w, b, { stride: rep(c.s, c.D), padding: rep(c.p, c.D), outputPadding: rep(c.op, c.D), dilation: rep(c.d, c.D), groups: c.g }));
    });
  }

  it("is the adjoint of conv2d: <conv(x), y> = <x, convᵀ(y)>", () => {
    const x = rnd([2, 4, 7, 7]);
    const w = rnd([6, 2, 3, 3]);
    const o = { stride: 2, padding: 1, groups: 2 };
    const cx = conv2d(x, w, null, o);
    const y = rnd(cx.shape as number[]);
    const ty = convTranspose2d(y, w, null, o);
    assert.deepEqual(ty.shape, x.shape);
    const lhs = cx.mul(y).sum().item();
    const rhs = x.mul(ty).sum().item();
    assert.ok(Math.abs(lhs - rhs) < 1e-9 * (1 + Math.abs(lhs)));
  });
});

// ---- gradients ----

describe("conv gradients (gradcheck, float64)", () => {
  const check = (fn: (...t: Tensor[]) => Tensor, shapes: number[][]) =>
    assert.ok(gradcheck(fn, shapes.map((s) => rnd(s, true))));

  it("conv1d with stride, padding, dilation, groups", () => {
    check((x, w, b) => conv1d(x, w, b, { stride: 2, padding: 2, dilation: 2, groups: 2 }), [[2, 4, 9], [4, 2, 3], [4]]);
  });
  it("conv2d with stride, padding, dilation, groups", () => {
    check((x, w, b) => conv2d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }), [[2, 4, 6, 6], [6, 2, 3, 3], [6]]);
  });
  it("conv2d depthwise, 'same' with an even kernel, and unbatched", () => {
    check((x, w) => conv2d(x, w, null, { groups: 3 }), [[1, 3, 5, 5], [6, 1, 3, 3]]);
    check((x, w) => conv2d(x, w, null, { padding: "same" }), [[1, 2, 5, 4], [2, 2, 2, 3]]);
    check((x, w, b) => conv2d(x, w, b, { padding: 1 }), [[2, 4, 4], [3, 2, 3, 3], [3]]);
  });
  it("conv3d", () => {
    check((x, w, b) => conv3d(x, w, b, { stride: [1, 2, 1], padding: 1 }), [[1, 2, 3, 4, 3], [2, 2, 2, 2, 2], [2]]);
  });
  it("convTranspose1d with outputPadding and groups", () => {
    check((x, w, b) => convTranspose1d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [[2, 4, 4], [4, 1, 3], [2]]);
  });
  it("convTranspose2d with stride, padding, dilation, outputPadding", () => {
    check((x, w, b) => convTranspose2d(x, w, b, { stride: 2, padding: 1, dilation: 2, outputPadding: 1 }), [[2, 2, 3, 3], [2, 3, 3, 2], [3]]);
    check((x, w) => convTranspose2d(x, w, null, { stride: 2, outputPadding: 2, dilation: 3 }), [[1, 2, 2, 3], [2, 1, 2, 2]]);
  });

  it("records a single op per convolution", () => {
    const x = rnd([1, 2, 5, 5], true);
    const y = conv2d(x, rnd([3, 2, 3, 3], true), rnd([3], true));
    assert.equal(y.gradFn?.name, "conv2d");
    assert.equal(y.gradFn?.inputs[0], x);
  });
});

// ---- shapes, MACs, errors ----

describe("output size, MACs and validation", () => {
  it("out = floor((in + 2p − d(k−1) − 1)/s) + 1; a stride that does not tile (7x7, 3x3, s 3: 2.33) floors to 2 like PyTorch", () => {
    assert.deepEqual(convOutputShape([1, 1, 7, 7], { outChannels: 1, kernelSize: 3, stride: 3 }), [1, 1, 2, 2]);
    assert.deepEqual(convOutputShape([4, 3, 32, 32], { outChannels: 10, kernelSize: 5, padding: 2 }), [4, 10, 32, 32]);
    assert.deepEqual(convOutputShape([1, 2, 10], { outChannels: 4, kernelSize: 3, dilation: 2, stride: 2 }), [1, 4, 3]);
    const layer = new Conv2d(1, 1, 3, { stride: 3 });
    assert.deepEqual(layer.forward(zeros([1, 1, 7, 7])).shape, [1, 1, 2, 2]);
    assert.deepEqual(layer.outputShape([1, 1, 7, 7]), [1, 1, 2, 2]);
  });

  it("transposed: (N−1)S + F − 2P (+ d(k−1)−(k−1) + outputPadding)", () => {
    assert.deepEqual(convOutputShape([1, 8, 7, 7], { outChannels: 4, kernelSize: 2, stride: 2, transposed: true }), [1, 4, 14, 14]);
    assert.deepEqual(new ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }).outputShape([1, 3, 4, 4]), [1, 2, 8, 8]);
    assert.deepEqual(new ConvTranspose1d(2, 2, 3, { dilation: 2 }).forward(zeros([1, 2, 5])).shape, [1, 2, 9]);
  });

  it("course example: 3x32x32 with ten 5x5 filters, pad 2 → 768,000 MACs per image and 760 parameters", () => {
    const layer = new Conv2d(3, 10, 5, { padding: 2 });
    assert.equal(convMacs([1, 3, 32, 32], { outChannels: 10, kernelSize: 5, padding: 2 }), 10 * 32 * 32 * 3 * 5 * 5);
    assert.equal(layer.macs([1, 3, 32, 32]), 768000);
    assert.equal(layer.macs([2, 3, 32, 32]), 2 * 768000);
    assert.equal(layer.countParameters(), 760);
    // groups divide the inner dimension
    assert.equal(Conv2d.depthwise(8, 3, { padding: 1 }).macs([1, 8, 10, 10]), 8 * 100 * 9);
  });

  it("throws when the kernel is larger than the padded input", () => {
    assert.throws(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3])), (e: Error) => e instanceof ShapeError && /kernel 3x3 is larger than the padded input 2x2/.test(e.message));
    assert.doesNotThrow(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]), null, { padding: 1 }));
    assert.throws(() => conv1d(zeros([1, 1, 5]), zeros([1, 1, 3]), null, { dilation: 3 }), /dilated 7/);
    assert.throws(() => convTranspose2d(zeros([1, 2, 3, 3]), zeros([2, 2, 3, 3]), null, { padding: 5 }), /output size -5x-5 is not positive/);
  });

  it("names the layer, the expected channels and the shape", () => {
    assert.throws(() => new Conv2d(3, 16, 5).forward(zeros([8, 1, 28, 28])), (e: Error) => e instanceof ShapeError && e.message === "Conv2d(3→16): expected input with 3 channels, got [8,1,28,28]");
    assert.throws(() => conv2d(zeros([8, 1, 28, 28]), zeros([16, 3, 5, 5])), /^ShapeError: conv2d: expected input with 3 channels, got \[8,1,28,28\]/);
    assert.throws(() => new Conv2d(1, 4, 3).forward(zeros([28, 28])), /Conv2d\(1→4\): expected 3-D \(unbatched\) or 4-D \(batched\) input \[N, C, H, W\], got \[28,28\]/);
    assert.throws(() => conv1d(zeros([1, 1, 5, 5]), zeros([1, 1, 3])), /conv1d: expected 2-D \(unbatched\) or 3-D \(batched\) input/);
    assert.throws(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 2, 3])), /expected a 4-D weight/);
    assert.throws(() => conv2d(zeros([1, 2, 5, 5]), zeros([3, 2, 3, 3]), zeros([4])), /expected bias of shape \[3\]/);
  });

  it("validates groups, padding strings, outputPadding and dtypes", () => {
    assert.throws(() => new Conv2d(3, 4, 3, { groups: 2 }), (e: Error) => e instanceof ValueError && /inChannels 3 must be divisible by groups 2/.test(e.message));
    assert.throws(() => new Conv2d(4, 3, 3, { groups: 2 }), /outChannels 3 must be divisible by groups 2/);
    assert.throws(() => conv2d(zeros([1, 4, 5, 5]), zeros([5, 2, 3, 3]), null, { groups: 2 }), /out channels 5 .* not divisible by groups 2/);
    assert.throws(() => new Conv2d(1, 1, 3, { padding: "same", stride: 2 }), /padding="same" is not supported for strided convolutions/);
    assert.throws(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { stride: 0 }), /stride must be 2 positive integers/);
    assert.throws(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { padding: [1, 1, 1] as IntOrTuple }), /padding must be 2 non-negative integers/);
    assert.throws(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 }), /outputPadding must be smaller than either stride or dilation/);
    assert.throws(() => convTranspose1d(zeros([1, 2, 4]), zeros([2, 2, 3]), null, { stride: 1, outputPadding: 1 }), /outputPadding must be smaller/);
    assert.throws(() => convTranspose2d(zeros([1, 3, 4, 4]), zeros([2, 2, 3, 3])), /expected input with 2 channels, got \[1,3,4,4\]/);
    assert.throws(() => conv2d(zeros([1, 1, 5, 5], { dtype: "int32" }), zeros([1, 1, 3, 3], { dtype: "int32" })), DTypeError);
    assert.throws(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3], { dtype: "float64" })), /must have the same dtype/);
    assert.throws(() => new Conv2d(1, 1, 3, { paddingMode: "reflect" as "zeros" }), /only paddingMode "zeros"/);
  });
});

// ---- modules ----

describe("conv modules", () => {
  it("state-dict keys and weight layouts", () => {
    assert.deepEqual(Object.keys(new Conv2d(3, 16, 5).stateDict()), ["weight", "bias"]);
    assert.deepEqual(Object.keys(new Conv1d(3, 16, 5, { bias: false }).stateDict()), ["weight"]);
    assert.deepEqual(new Conv3d(4, 6, [3, 2, 1], { groups: 2 }).weight.shape, [6, 2, 3, 2, 1]);
    assert.deepEqual(new ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape, [4, 3, 3, 3]);
    const sep = new SeparableConv2d(3, 8, 3, { padding: 1, depthMultiplier: 2 });
    assert.deepEqual(Object.keys(sep.stateDict()), ["depthwise.weight", "pointwise.weight", "pointwise.bias"]);
    assert.deepEqual(sep.depthwise.weight.shape, [6, 1, 3, 3]);
    assert.deepEqual(sep.pointwise.weight.shape, [8, 6, 1, 1]);
  });

  it("prints like PyTorch (only non-default options)", () => {
    assert.equal(new Conv2d(1, 20, 5, { padding: 2 }).toString(), "Conv2d(1, 20, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))");
    assert.equal(new Conv1d(1, 20, 5).toString(), "Conv1d(1, 20, kernel_size=(5,), stride=(1,))");
    assert.equal(new Conv2d(4, 8, 3, { padding: "same", dilation: 2, groups: 2, bias: false }).toString(),
      "Conv2d(4, 8, kernel_size=(3, 3), stride=(1, 1), padding=same, dilation=(2, 2), groups=2, bias=False)");
    assert.equal(new Conv3d(4, 8, [3, 2, 1], { stride: 2 }).toString(), "Conv3d(4, 8, kernel_size=(3, 2, 1), stride=(2, 2, 2))");
    assert.equal(new ConvTranspose1d(4, 8, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: 2 }).toString(),
      "ConvTranspose1d(4, 8, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), output_padding=(1,), groups=2)");
    assert.equal(new SeparableConv2d(3, 8, 3, { padding: 1 }).toString(), [
      "SeparableConv2d(",
      "  (depthwise): Conv2d(3, 3, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=3, bias=False)",
      "  (pointwise): Conv2d(3, 8, kernel_size=(1, 1), stride=(1, 1))",
      ")",
    ].join("\n"));
  });

  it("initializes like PyTorch: U(±1/√fan_in), fan_in = weight.size(1)·Πk", () => {
    for (const [layer, fanIn] of [[new Conv2d(8, 16, 3, { groups: 2 }), 4 * 9], [new ConvTranspose2d(8, 12, 3, { groups: 2 }), 6 * 9]] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      const w = flat(layer.weight);
      assert.ok(w.every((v) => Math.abs(v) <= bound));
      assert.ok(Math.max(...w.map(Math.abs)) > 0.9 * bound);
      const b = flat(layer.bias!);
      assert.ok(b.every((v) => Math.abs(v) <= bound));
    }
  });

  it("forward uses the layer's options; SeparableConv2d = pointwise(depthwise(x))", () => {
    const layer = new Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2 });
    const x = randn([2, 4, 5, 5], { generator: gen });
    assert.deepEqual(layer.forward(x).toArray(), conv2d(x, layer.weight, layer.bias, { stride: 2, padding: 1, groups: 2 }).toArray());
    const sep = new SeparableConv2d(4, 5, 3, { stride: 2, padding: 1, depthMultiplier: 2 });
    const dw = conv2d(x, sep.depthwise.weight, null, { stride: 2, padding: 1, groups: 4 });
    assert.deepEqual(sep.forward(x).toArray(), conv2d(dw, sep.pointwise.weight, sep.pointwise.bias).toArray());
    const t = new ConvTranspose2d(4, 2, 3, { stride: 2, outputPadding: 1 });
    assert.deepEqual(t.forward(x).toArray(), convTranspose2d(x, t.weight, t.bias, { stride: 2, outputPadding: 1 }).toArray());
  });

  it("trains: gradients reach weight and bias", () => {
    const layer = new Conv2d(2, 3, 3, { padding: 1 });
    layer.forward(randn([2, 2, 4, 4], { generator: gen })).sum().backward();
    assert.deepEqual(layer.weight.grad?.shape, [3, 2, 3, 3]);
    // d(sum)/d(bias) = number of output positions per channel
    assert.deepEqual(flat(layer.bias!.grad!), [32, 32, 32]);
  });
});
