/**
 * Elementwise float32 kernels in WebAssembly SIMD128 (AssemblyScript; built by
 * scripts/build-wasm.mjs into src/backend/wasm/kernels.generated.ts): the arithmetic binary ops
 * over two broadcast patterns, and a few unary functions with their derivatives. Each result is
 * the correctly rounded float32 of the exact value, which is also what the reference kernels
 * produce (they compute in f64 and round once), so the two agree bit for bit.
 *
 * Operands are float32 at byte addresses in linear memory; outputs are contiguous and may alias
 * an input that is read at the same position. Nothing is allocated.
 */

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** Binary op codes (the TS side has the same table). */
const ADD = 0, SUB = 1, MUL = 2, DIV = 3;

@inline function opv(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

@inline function ops(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  return x / y;
}

/**
 * One row of n outputs: out[i] = a[i·ia] ∘ b[i·ib] with ia, ib ∈ {0, 1}. A stride-0 operand is
 * first splatted into 16 bytes of scratch and then read with step 0, so one loop serves
 * vector∘vector, vector∘scalar and scalar∘vector.
 */
@inline function row(op: i32, n: i32, a: usize, ia: i32, b: usize, ib: i32, out: usize, scratch: usize): void {
  if (ia == 0) {
    v128.store(scratch, f32x4.splat(load<f32>(a)));
    a = scratch;
  }
  if (ib == 0) {
    v128.store(scratch, f32x4.splat(load<f32>(b)), 16);
    b = scratch + 16;
  }
  const stepA = <usize>(ia << 4), stepB = <usize>(ib << 4);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(out, opv(op, v128.load(a), v128.load(b)));
    a += stepA;
    b += stepB;
    out += 16;
  }
  for (; i < n; i++) {
    store<f32>(out, ops(op, load<f32>(a), load<f32>(b)));
    a += stepA >> 2;
    b += stepB >> 2;
    out += 4;
  }
}

/**
 * out [rows, cols] (contiguous) = a ∘ b for op 0 add, 1 sub, 2 mul, 3 div, where element (r, j)
 * of a is at a + 4·(r·ra + j·ca) with ca ∈ {0, 1} (likewise b). `scratch` is 32 free bytes.
 */
export function binary(
  op: i32, rows: i32, cols: i32, a: usize, ra: i32, ca: i32, b: usize, rb: i32, cb: i32, out: usize, scratch: usize,
): void {
  // One specialised loop per op (the op test is hoisted out of the element loop).
  for (let r = 0; r < rows; r++) {
    const pa = a + (<usize>(r * ra) << 2), pb = b + (<usize>(r * rb) << 2);
    const po = out + (<usize>(r * cols) << 2);
    if (op == ADD) row(ADD, cols, pa, ca, pb, cb, po, scratch);
    else if (op == SUB) row(SUB, cols, pa, ca, pb, cb, po, scratch);
    else if (op == MUL) row(MUL, cols, pa, ca, pb, cb, po, scratch);
    else row(DIV, cols, pa, ca, pb, cb, po, scratch);
  }
}

/** Unary op codes (the TS side has the same table). */
const RELU = 0, NEG = 1, ABS = 2, SQUARE = 3, SQRT = 4;

@inline function unaryv(op: i32, x: v128): v128 {
  if (op == RELU) return v128.and(x, f32x4.gt(x, f32x4.splat(0))); // NaN and −0 → +0, as x > 0 ? x : 0
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  return f32x4.sqrt(x);
}

@inline function unaryLoop(op: i32, n: i32, x: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, unaryv(op, v128.load(x + o)));
  }
  // The tail goes through the vector code too (lane 0), so both parts round identically.
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(unaryv(op, f32x4.splat(load<f32>(x + o))), 0));
  }
}

/** out[0..n) = f(x[0..n)) for op 0 relu, 1 neg, 2 abs, 3 square, 4 sqrt. */
export function unary(op: i32, n: i32, x: usize, out: usize): void {
  if (op == RELU) unaryLoop(RELU, n, x, out);
  else if (op == NEG) unaryLoop(NEG, n, x, out);
  else if (op == ABS) unaryLoop(ABS, n, x, out);
  else if (op == SQUARE) unaryLoop(SQUARE, n, x, out);
  else unaryLoop(SQRT, n, x, out);
}

/** g · f′(x) for relu (g·[x > 0], so g·0 keeps NaN and −0 as the reference does) and neg (g·−1). */
@inline function gradv(op: i32, x: v128, g: v128): v128 {
  if (op == RELU) return f32x4.mul(g, v128.and(f32x4.gt(x, f32x4.splat(0)), f32x4.splat(1)));
  return f32x4.mul(g, f32x4.splat(-1));
}

@inline function gradLoop(op: i32, n: i32, x: usize, g: usize, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, gradv(op, v128.load(x + o), v128.load(g + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, f32x4.extract_lane(gradv(op, f32x4.splat(load<f32>(x + o)), f32x4.splat(load<f32>(g + o))), 0));
  }
}

/** out[0..n) = g · f′(x) for op 0 relu, 1 neg (codes as `unary`). */
export function unaryGrad(op: i32, n: i32, x: usize, g: usize, out: usize): void {
  if (op == RELU) gradLoop(RELU, n, x, g, out);
  else gradLoop(NEG, n, x, g, out);
}
