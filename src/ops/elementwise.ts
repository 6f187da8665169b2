/**
 * Elementwise ops: unary math and activations, binary arithmetic with broadcasting,
 * comparisons, where and clamp. Each forward is one kernel call; each backward is one kernel
 * call (unary) or a short tensor expression (binary). Broadcasting is undone by the engine.
 */
import { Tensor } from "../tensor/tensor.js";
import { attach } from "../autograd/engine.js";
import { kernels } from "../backend/registry.js";
import type { BinaryOp, UnaryOp } from "../backend/backend.js";
import { arithmeticType, floatType, isFloat, promoteTypes, type DType } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { asTensor, broadcastView, fromKernel, type Operand } from "./util.js";
import { DTypeError } from "../errors.js";

/** Unary ops whose result keeps an integer dtype (the rest compute in floating point). */
const keepsDtype: ReadonlySet<UnaryOp> = new Set(["neg", "abs", "sign", "square", "relu", "clamp", "floor", "ceil", "round"]);
/** Unary ops with no useful gradient (piecewise constant). */
const noGradOps: ReadonlySet<UnaryOp> = new Set(["sign", "floor", "ceil", "round", "logicalNot"]);

/** Applies a unary kernel with its derivative. Exported for activations in `nn.functional`. */
export function unaryOp(op: UnaryOp, x: Tensor, a = 0, b = 0): Tensor {
  const params = { a, b };
  const dtype: DType = op === "logicalNot" ? "bool" : keepsDtype.has(op) ? arithmeticType(x.dtype) : floatType(x.dtype);
  const out = fromKernel(kernels().unary(op, x, params, dtype), x.shape);
  if (noGradOps.has(op)) return out;
  return attach(out, op, [x], (g) => [fromKernel(kernels().unaryGrad(op, x, g, params, floatType(g.dtype)), x.shape)]);
}

export const neg = (x: Tensor) => unaryOp("neg", x);
export const abs = (x: Tensor) => unaryOp("abs", x);
export const sign = (x: Tensor) => unaryOp("sign", x);
export const exp = (x: Tensor) => unaryOp("exp", x);
export const log = (x: Tensor) => unaryOp("log", x);
export const sqrt = (x: Tensor) => unaryOp("sqrt", x);
export const rsqrt = (x: Tensor) => unaryOp("rsqrt", x);
export const reciprocal = (x: Tensor) => unaryOp("reciprocal", x);
export const square = (x: Tensor) => unaryOp("square", x);
export const sin = (x: Tensor) => unaryOp("sin", x);
export const cos = (x: Tensor) => unaryOp("cos", x);
export const tanh = (x: Tensor) => unaryOp("tanh", x);
export const sigmoid = (x: Tensor) => unaryOp("sigmoid", x);
export const relu = (x: Tensor) => unaryOp("relu", x);
export const erf = (x: Tensor) => unaryOp("erf", x);
export const floor = (x: Tensor) => unaryOp("floor", x);
export const ceil = (x: Tensor) => unaryOp("ceil", x);
export const round = (x: Tensor) => unaryOp("round", x);
export const log1p = (x: Tensor) => unaryOp("log1p", x);
export const expm1 = (x: Tensor) => unaryOp("expm1", x);
export const logicalNot = (x: Tensor) => unaryOp("logicalNot", x);

/** Clamps every element into [min, max] (either bound may be omitted). */
export function clamp(x: Tensor, min = -Infinity, max = Infinity): Tensor {
  // A fractional bound makes an integer tensor's result float32 (as a Python float would in PyTorch).
  const fractional = [min, max].some((v) => Number.isFinite(v) && !Number.isInteger(v));
  return unaryOp("clamp", fractional && !isFloat(x.dtype) ? x.to("float32") : x, min, max);
}

const comparisons: ReadonlySet<BinaryOp> = new Set(["eq", "ne", "lt", "le", "gt", "ge"]);

function binaryOp(op: BinaryOp, x: Operand, y: Operand): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y as Tensor);
  const b = asTensor(y, a);
  const shape = broadcastShapes(op, a.shape, b.shape);
  let dtype = promoteTypes(arithmeticType(a.dtype), arithmeticType(b.dtype));
  if (comparisons.has(op)) dtype = "bool";
  else if (op === "div" || (op === "pow" && dtype === "int32")) dtype = floatType(dtype);
  const out = fromKernel(kernels().binary(op, broadcastView(a, shape), broadcastView(b, shape), shape, dtype), shape);
  if (comparisons.has(op)) return out;
  return attach(out, op, [a, b], (g) => binaryGrad(op, a, b, out, g));
}

/** Local gradients of the differentiable binary ops, as tensor expressions. */
function binaryGrad(op: BinaryOp, a: Tensor, b: Tensor, out: Tensor, g: Tensor): (Tensor | null)[] {
  switch (op) {
    case "add": return [g, g];
    case "sub": return [g, neg(g)];
    case "mul": return [mul(g, b), mul(g, a)];
    case "div": return [div(g, b), neg(div(mul(g, out), b))];
    case "pow": {
      // As PyTorch: ∂/∂a is 0 where b = 0, and ∂/∂b = aᵇ·ln a is 0 where a = 0 and b ≥ 0 (not 0·∞ = NaN).
      const da = where(eq(b, 0), 0, mul(b, pow(a, sub(b, 1))));
      const db = b.requiresGrad ? where(mul(eq(a, 0), ge(b, 0)), 0, mul(out, log(a))) : null;
      return [mul(g, da), db && mul(g, db)];
    }
    case "maximum":
    case "minimum": {
      // Ties split the gradient evenly, as PyTorch does.
      const wins = op === "maximum" ? gt(a, b) : lt(a, b);
      const share = add(wins, mul(eq(a, b), 0.5));
      return [mul(g, share), mul(g, sub(1, share))];
    }
    default: return [null, null];
  }
}

/** a + b with broadcasting. */
export const add = (a: Operand, b: Operand) => binaryOp("add", a, b);
/** a − b with broadcasting. */
export const sub = (a: Operand, b: Operand) => binaryOp("sub", a, b);
/** a · b elementwise with broadcasting. */
export const mul = (a: Operand, b: Operand) => binaryOp("mul", a, b);
/** a / b elementwise (true division: integer inputs give float32). */
export const div = (a: Operand, b: Operand) => binaryOp("div", a, b);
/** a raised to b elementwise. A number exponent uses the faster scalar kernel. */
export function pow(a: Tensor, b: Operand): Tensor {
  return typeof b === "number" ? unaryOp("powScalar", a, b) : binaryOp("pow", a, b);
}
/** Elementwise maximum (gradient split evenly on ties). */
export const maximum = (a: Operand, b: Operand) => binaryOp("maximum", a, b);
/** Elementwise minimum (gradient split evenly on ties). */
export const minimum = (a: Operand, b: Operand) => binaryOp("minimum", a, b);
export const eq = (a: Operand, b: Operand) => binaryOp("eq", a, b);
export const ne = (a: Operand, b: Operand) => binaryOp("ne", a, b);
export const lt = (a: Operand, b: Operand) => binaryOp("lt", a, b);
export const le = (a: Operand, b: Operand) => binaryOp("le", a, b);
export const gt = (a: Operand, b: Operand) => binaryOp("gt", a, b);
export const ge = (a: Operand, b: Operand) => binaryOp("ge", a, b);

/** cond ? a : b elementwise, all three broadcast together; cond is any dtype (nonzero = true). */
export function where(cond: Tensor, x: Operand, y: Operand): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y instanceof Tensor ? y : Tensor.scalar(0));
  const b = asTensor(y, a);
  const shape = broadcastShapes("where", cond.shape, a.shape, b.shape);
  const dtype = promoteTypes(a.dtype, b.dtype);
  const out = fromKernel(
    kernels().where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), shape, dtype),
    shape,
  );
  return attach(out, "where", [a, b], (g) => {
    const zero = Tensor.scalar(0, g.dtype);
    return [where(cond, g, zero), where(cond, zero, g)];
  });
}

/** Throws unless x has a floating dtype (ops that only make sense on real values). */
export function requireFloat(op: string, x: Tensor): void {
  if (x.dtype !== "float32" && x.dtype !== "float64") {
    throw new DTypeError(`${op}: expected a floating-point tensor, got ${x.dtype}`);
  }
}
