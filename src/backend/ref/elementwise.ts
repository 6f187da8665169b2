/** Reference elementwise kernels: unary (with derivative), binary, where, copy. */
import type { BinaryOp, UnaryOp, UnaryParams, View } from "../backend.js";
import { allocArray, dtypeOfArray, type DType, type TypedArray } from "../../tensor/dtype.js";
import { contiguousStrides, isContiguous, numel, type Shape } from "../../tensor/shape.js";
import { forEachRow } from "./strided.js";
import { erf } from "./math.js";

type Fn = (x: number, a: number, b: number) => number;

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const GELU_K = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** softplus with beta a and threshold b (PyTorch: linear where a·x > b). */
const softplus = (x: number, a: number, b: number) => (a * x > b ? x : Math.log1p(Math.exp(a * x)) / a);

/** Each unary op: its value and its derivative, both as functions of the input x. */
const unaryTable: Record<UnaryOp, { f: Fn; df: Fn }> = {
  neg: { f: (x) => -x, df: () => -1 },
  abs: { f: (x) => Math.abs(x), df: (x) => Math.sign(x) },
  sign: { f: (x) => Math.sign(x), df: () => 0 },
  exp: { f: (x) => Math.exp(x), df: (x) => Math.exp(x) },
  log: { f: (x) => Math.log(x), df: (x) => 1 / x },
  sqrt: { f: (x) => Math.sqrt(x), df: (x) => 0.5 / Math.sqrt(x) },
  rsqrt: { f: (x) => 1 / Math.sqrt(x), df: (x) => -0.5 / (x * Math.sqrt(x)) },
  reciprocal: { f: (x) => 1 / x, df: (x) => -1 / (x * x) },
  square: { f: (x) => x * x, df: (x) => 2 * x },
  sin: { f: (x) => Math.sin(x), df: (x) => Math.cos(x) },
  cos: { f: (x) => Math.cos(x), df: (x) => -Math.sin(x) },
  tanh: { f: (x) => Math.tanh(x), df: (x) => 1 - Math.tanh(x) ** 2 },
  sigmoid: { f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  relu: { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  erf: { f: erf, df: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) },
  floor: { f: (x) => Math.floor(x), df: () => 0 },
  ceil: { f: (x) => Math.ceil(x), df: () => 0 },
  // Round half to even, as PyTorch does.
  round: { f: (x) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x)), df: () => 0 },
  log1p: { f: (x) => Math.log1p(x), df: (x) => 1 / (1 + x) },
  expm1: { f: (x) => Math.expm1(x), df: (x) => Math.exp(x) },
  logicalNot: { f: (x) => (x === 0 ? 1 : 0), df: () => 0 },
  powScalar: { f: (x, a) => x ** a, df: (x, a) => (a === 0 ? 0 : a * x ** (a - 1)) },
  clamp: { f: (x, a, b) => Math.min(Math.max(x, a), b), df: (x, a, b) => (x >= a && x <= b ? 1 : 0) },
  leakyRelu: { f: (x, a) => (x > 0 ? x : a * x), df: (x, a) => (x > 0 ? 1 : a) },
  elu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x)), df: (x, a) => (x > 0 ? 1 : a * Math.exp(x)) },
  celu: { f: (x, a) => (x > 0 ? x : a * Math.expm1(x / a)), df: (x, a) => (x > 0 ? 1 : Math.exp(x / a)) },
  selu: {
    f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    df: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  },
  gelu: {
    f: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
    df: (x) => 0.5 * (1 + erf(x / Math.SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  },
  geluTanh: {
    f: (x) => 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x ** 3))),
    df: (x) => {
      const t = Math.tanh(GELU_K * (x + 0.044715 * x ** 3));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * 0.044715 * x * x);
    },
  },
  silu: { f: (x) => x * sigmoid(x), df: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))) },
  mish: {
    f: (x) => x * Math.tanh(softplus(x, 1, 20)),
    df: (x) => {
      const t = Math.tanh(softplus(x, 1, 20));
      return t + x * (1 - t * t) * sigmoid(x);
    },
  },
  softsign: { f: (x) => x / (1 + Math.abs(x)), df: (x) => 1 / (1 + Math.abs(x)) ** 2 },
  hardsigmoid: { f: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1), df: (x) => (x > -3 && x < 3 ? 1 / 6 : 0) },
  hardswish: {
    f: (x) => (x <= -3 ? 0 : x >= 3 ? x : (x * (x + 3)) / 6),
    df: (x) => (x < -3 ? 0 : x > 3 ? 1 : (2 * x + 3) / 6),
  },
  softplus: { f: softplus, df: (x, a, b) => (a * x > b ? 1 : sigmoid(a * x)) },
};

export function unary(op: UnaryOp, x: View, p: UnaryParams, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, numel(x.shape));
  const xd = x.data;
  const { f } = unaryTable[op];
  const { a, b } = p;
  let o = 0;
  forEachRow(x.shape, [x.strides], [x.offset], (offs, n, [s]) => {
    let i = offs[0];
    for (let k = 0; k < n; k++, i += s) out[o++] = f(xd[i], a, b);
  });
  return out;
}

export function unaryGrad(op: UnaryOp, x: View, g: View, p: UnaryParams, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, numel(x.shape));
  const xd = x.data;
  const gd = g.data;
  const { df } = unaryTable[op];
  const { a, b } = p;
  let o = 0;
  forEachRow(x.shape, [x.strides, g.strides], [x.offset, g.offset], (offs, n, [sx, sg]) => {
    let i = offs[0];
    let j = offs[1];
    for (let k = 0; k < n; k++, i += sx, j += sg) out[o++] = gd[j] * df(xd[i], a, b);
  });
  return out;
}

const binaryTable: Record<BinaryOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => x ** y,
  maximum: (x, y) => (x >= y || Number.isNaN(x) ? x : y),
  minimum: (x, y) => (x <= y || Number.isNaN(x) ? x : y),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

export function binary(op: BinaryOp, a: View, b: View, shape: Shape, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, numel(shape));
  const ad = a.data;
  const bd = b.data;
  const f = binaryTable[op];
  let o = 0;
  forEachRow(shape, [a.strides, b.strides], [a.offset, b.offset], (offs, n, [sa, sb]) => {
    let i = offs[0];
    let j = offs[1];
    // The four arithmetic ops dominate training; give them loops the JIT can inline.
    switch (op) {
      case "add": for (let k = 0; k < n; k++, i += sa, j += sb) out[o++] = ad[i] + bd[j]; break;
      case "sub": for (let k = 0; k < n; k++, i += sa, j += sb) out[o++] = ad[i] - bd[j]; break;
      case "mul": for (let k = 0; k < n; k++, i += sa, j += sb) out[o++] = ad[i] * bd[j]; break;
      case "div": for (let k = 0; k < n; k++, i += sa, j += sb) out[o++] = ad[i] / bd[j]; break;
      default: for (let k = 0; k < n; k++, i += sa, j += sb) out[o++] = f(ad[i], bd[j]);
    }
  });
  return out;
}

export function where(cond: View, a: View, b: View, shape: Shape, outDtype: DType): TypedArray {
  const out = allocArray(outDtype, numel(shape));
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  let o = 0;
  forEachRow(shape, [cond.strides, a.strides, b.strides], [cond.offset, a.offset, b.offset], (offs, n, [sc, sa, sb]) => {
    let c = offs[0];
    let i = offs[1];
    let j = offs[2];
    for (let k = 0; k < n; k++, c += sc, i += sa, j += sb) out[o++] = cd[c] !== 0 ? ad[i] : bd[j];
  });
  return out;
}

export function copy(src: View, dst: View): void {
  const sd = src.data;
  const dd = dst.data;
  forEachRow(src.shape, [src.strides, dst.strides], [src.offset, dst.offset], (offs, n, [ss, ds]) => {
    let i = offs[0];
    let j = offs[1];
    if (ss === 1 && ds === 1 && sd.constructor === dd.constructor) {
      dd.set(sd.subarray(i, i + n), j);
      return;
    }
    for (let k = 0; k < n; k++, i += ss, j += ds) dd[j] = sd[i];
  });
}

/** v's elements in row-major order: its own storage when dense, else a copy. */
export function rowMajor(v: View): TypedArray {
  const n = numel(v.shape);
  if (isContiguous(v.shape, v.strides)) return v.data.subarray(v.offset, v.offset + n);
  const out = allocArray(dtypeOfArray(v.data), n);
  copy(v, { data: out, shape: v.shape, strides: contiguousStrides(v.shape), offset: 0 });
  return out;
}
