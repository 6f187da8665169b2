/**
 * Softmax cross-entropy kernels for float32 class scores x [n, c] with class-index targets in
 * WebAssembly SIMD128 (AssemblyScript; built by scripts/build-wasm.mjs into
 * src/backend/wasm/kernels.generated.ts): the fast path of src/backend/ref/cross-entropy.ts.
 *
 * Everything after the row maximum (found four floats at a time) is computed in f64 with the
 * reference's formulas in the reference's order. exp and log are fdlibm's algorithms, which
 * V8 uses for Math.exp and Math.log, written out here because AssemblyScript's versions read
 * lookup tables (static data, which these modules must not have); exp runs on two elements at
 * a time where both take its common path. Pointers are byte addresses;
 * x and dx are f32, class indices i32 (negative: ignored), class weights and per-row values f64.
 */

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

const LN2_HI = reinterpret<f64>(0x3FE62E42FEE00000);
const LN2_LO = reinterpret<f64>(0x3DEA39EF35793C76);

/** e^x: fdlibm's __ieee754_exp (e_exp.c). */
function exp(x: f64): f64 {
  if (x != x) return x;
  if (x > reinterpret<f64>(0x40862E42FEFA39EF)) return Infinity;
  if (x < reinterpret<f64>(0xC0874910D52D3051)) return 0;
  const hx = <u32>(reinterpret<u64>(x) >> 32) & 0x7FFFFFFF;
  const neg = x < 0;
  let hi = 0.0, lo = 0.0, k = 0;
  if (hx > 0x3FD62E42) {
    // Range reduction x = k·ln2 + r, |r| ≤ ln2/2, with ln2 in two parts.
    if (hx < 0x3FF0A2B2) {
      hi = neg ? x + LN2_HI : x - LN2_HI;
      lo = neg ? -LN2_LO : LN2_LO;
      k = neg ? -1 : 1;
    } else {
      k = <i32>(reinterpret<f64>(0x3FF71547652B82FE) * x + (neg ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2_HI;
      lo = t * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) {
    return 1 + x;
  }
  const t = x * x;
  const c = x - t * (1.66666666666666019037e-01 + t * (-2.77777777770155933842e-03 +
    t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  if (k == 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  // y·2^k by adding k to the exponent; results below 2^−1021 go through 2^−1000 to stay exact.
  if (k >= -1021) return reinterpret<f64>(reinterpret<i64>(y) + (<i64>k << 52));
  return reinterpret<f64>(reinterpret<i64>(y) + (<i64>(k + 1000) << 52)) * reinterpret<f64>(0x0170000000000000);
}

/**
 * e^(x − m) for the two f32 at p: `exp` on two lanes at once where both reduce their argument
 * with k ≠ 0 and have a normal result (−700 ≤ x − m < −ln2/2, the bulk of a row below its
 * maximum), else one lane at a time. The lanes do exp's operations in exp's order (k = −1 below
 * 1.5·ln2, as there), so results are equal.
 */
function exp2(p: usize, m: f64): v128 {
  const v = f64x2.sub(f64x2.promote_low_f32x4(v128.load64_zero(p)), f64x2.splat(m));
  if (!i64x2.all_true(f64x2.ge(v, f64x2.splat(-700))) || !i64x2.all_true(f64x2.le(v, f64x2.splat(-reinterpret<f64>(0x3FD62E4300000000))))) {
    return f64x2.replace_lane(f64x2.splat(exp(f64x2.extract_lane(v, 0))), 1, exp(f64x2.extract_lane(v, 1)));
  }
  const general = f64x2.convert_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(
    f64x2.add(f64x2.mul(f64x2.splat(reinterpret<f64>(0x3FF71547652B82FE)), v), f64x2.splat(-0.5)),
  ));
  const t = v128.bitselect(f64x2.splat(-1), general, f64x2.gt(v, f64x2.splat(-reinterpret<f64>(0x3FF0A2B200000000))));
  const ki = i32x4.trunc_sat_f64x2_s_zero(t);
  const hi = f64x2.sub(v, f64x2.mul(t, f64x2.splat(LN2_HI)));
  const lo = f64x2.mul(t, f64x2.splat(LN2_LO));
  const x = f64x2.sub(hi, lo);
  const xx = f64x2.mul(x, x);
  let q = f64x2.add(f64x2.splat(-1.65339022054652515390e-06), f64x2.mul(xx, f64x2.splat(4.13813679705723846039e-08)));
  q = f64x2.add(f64x2.splat(6.61375632143793436117e-05), f64x2.mul(xx, q));
  q = f64x2.add(f64x2.splat(-2.77777777770155933842e-03), f64x2.mul(xx, q));
  q = f64x2.add(f64x2.splat(1.66666666666666019037e-01), f64x2.mul(xx, q));
  const c = f64x2.sub(x, f64x2.mul(xx, q));
  const y = f64x2.sub(f64x2.splat(1), f64x2.sub(f64x2.sub(lo, f64x2.div(f64x2.mul(x, c), f64x2.sub(f64x2.splat(2), c))), hi));
  return i64x2.add(y, i64x2.shl(i64x2.extend_low_i32x4_s(ki), 52));
}

/** log x for x ≥ 1 (a sum of exps whose largest term is 1), NaN or ∞: fdlibm's __ieee754_log (e_log.c). */
function log(x: f64): f64 {
  if (!(x < Infinity)) return x + x;
  let hx = <i32>(reinterpret<u64>(x) >> 32);
  let k = (hx >> 20) - 1023;
  hx &= 0x000FFFFF;
  // Scale x into [√2/2, √2) as 1 + f.
  const i = (hx + 0x95F64) & 0x100000;
  x = reinterpret<f64>((<u64>(hx | (i ^ 0x3FF00000)) << 32) | (reinterpret<u64>(x) & 0xFFFFFFFF));
  k += i >> 20;
  const f = x - 1.0;
  const dk = <f64>k;
  if ((0x000FFFFF & (2 + hx)) < 3) {
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - R : dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const t2 = z * (6.666666666666735130e-01 + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const R = t2 + t1;
  if (((hx - 0x6147A) | (0x6B851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + R)) : dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - R) : dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/** The largest of the c ≥ 1 floats at x (NaN if any is NaN). */
function rowMax(c: i32, x: usize): f64 {
  let m = -Infinity as f32;
  let k = 0;
  if (c >= 4) {
    let v = v128.load(x);
    for (k = 4; k + 4 <= c; k += 4) v = f32x4.max(v, v128.load(x + (<usize>k << 2)));
    m = max(max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
  }
  for (; k < c; k++) m = max(m, load<f32>(x + (<usize>k << 2)));
  return <f64>m;
}

/** w_k·q_k of class k for target y ≥ 0: w_k·ε/c, plus w_y·(1 − ε) at k = y (the reference's sum). */
@inline function weighted(w: usize, k: i32, y: i32, uniform: f64, wy: f64): f64 {
  const wq = load<f64>(w + (<usize>k << 3)) * uniform;
  return k == y ? wq + wy : wq;
}

/**
 * Per row i of x [n, c]: lse[i] = log Σ exp x_k and losses[i] = Σ over wq_k ≠ 0 of
 * wq_k·(lse − x_k), with wq as in `weighted` (class weights w [c]; zero for y < 0).
 */
export function forward(n: i32, c: i32, x: usize, cls: usize, w: usize, eps: f64, losses: usize, lse: usize): void {
  const uniform = eps / c;
  for (let i = 0; i < n; i++, x += <usize>c << 2) {
    const m = rowMax(c, x);
    let se = 0.0;
    let k = 0;
    for (; k + 2 <= c; k += 2) {
      const e = exp2(x + (<usize>k << 2), m);
      se += f64x2.extract_lane(e, 0);
      se += f64x2.extract_lane(e, 1);
    }
    if (k < c) se += exp(<f64>load<f32>(x + (<usize>k << 2)) - m);
    const l = m + log(se);
    store<f64>(lse + (<usize>i << 3), l);
    const y = load<i32>(cls + (<usize>i << 2));
    let loss = 0.0;
    if (y >= 0) {
      const wy = load<f64>(w + (<usize>y << 3)) * (1 - eps);
      for (let k = 0; k < c; k++) {
        const wq = weighted(w, k, y, uniform, wy);
        if (wq != 0) loss += wq * (l - <f64>load<f32>(x + (<usize>k << 2)));
      }
    }
    store<f64>(losses + (<usize>i << 3), loss);
  }
}

/**
 * dx[i, k] = scale[i]·(exp(x_k − lse[i])·Σwq − wq_k), zero where Σwq = 0; dx may be x.
 */
export function backward(n: i32, c: i32, x: usize, cls: usize, w: usize, eps: f64, lse: usize, scale: usize, dx: usize): void {
  const uniform = eps / c;
  for (let i = 0; i < n; i++, x += <usize>c << 2, dx += <usize>c << 2) {
    const y = load<i32>(cls + (<usize>i << 2));
    let total = 0.0;
    const wy = y >= 0 ? load<f64>(w + (<usize>y << 3)) * (1 - eps) : 0;
    if (y >= 0) for (let k = 0; k < c; k++) total += weighted(w, k, y, uniform, wy);
    if (total == 0) {
      memory.fill(dx, 0, <usize>c << 2);
      continue;
    }
    const l = load<f64>(lse + (<usize>i << 3));
    const sc = load<f64>(scale + (<usize>i << 3));
    let k = 0;
    for (; k + 2 <= c; k += 2) {
      const p = <usize>k << 2;
      const e = exp2(x + p, l);
      store<f32>(dx + p, <f32>(sc * (f64x2.extract_lane(e, 0) * total - weighted(w, k, y, uniform, wy))));
      store<f32>(dx + p + 4, <f32>(sc * (f64x2.extract_lane(e, 1) * total - weighted(w, k + 1, y, uniform, wy))));
    }
    if (k < c) store<f32>(dx + (<usize>k << 2), <f32>(sc * (exp(<f64>load<f32>(x + (<usize>k << 2)) - l) * total - weighted(w, k, y, uniform, wy))));
  }
}
