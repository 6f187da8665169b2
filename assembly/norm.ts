/**
 * Normalization kernels for float32 data in WebAssembly SIMD128 (AssemblyScript; built by
 * scripts/build-wasm.mjs into src/backend/wasm/kernels.generated.ts): the fast path of
 * src/backend/ref/normalization.ts. x is [N, C, S], rows (n, c) of S values; row (n, c) uses
 * statistic k = c when G = 0 (batch norm), else k = n·G + ⌊c/P⌋ with P = C/G.
 *
 * Everything is computed in f64, two elements per f64x2 step, with the reference's formulas in
 * the reference's order, so results equal the reference's except for sums along a vector (a row
 * of S > 1 values, or a statistic's block of channels), which add in two lanes. Vectors run along the row when S > 1 and across the channels when S = 1
 * (BatchNorm1d, LayerNorm), where each lane has its own row and so its own parameters: per-row
 * values are then read with a step of 16 bytes per pair, or splatted into 16 bytes of scratch
 * and read with step 0 where a whole run shares them. Pointers are byte addresses; f32 data is
 * dense, parameters and sums are f64 arrays. Nothing is allocated.
 */

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** Two f32 at p as an f64 pair. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Rounds an f64 pair to f32 and stores it at p. */
@inline function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** Adds an f64 pair into memory at p. */
@inline function addTo(p: usize, v: v128): void {
  v128.store(p, f64x2.add(v128.load(p), v));
}

@inline function addTo1(p: usize, v: f64): void {
  store<f64>(p, load<f64>(p) + v);
}

/** Writes f64 `at[i]` splatted to 16 bytes at `to`; returns `to`. */
@inline function splat(to: usize, at: usize, i: i32): usize {
  v128.store(to, v128.load64_splat(at + (<usize>i << 3)));
  return to;
}

@inline function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Statistic of row (n, c). */
@inline function stat(n: i32, c: i32, G: i32, P: i32): i32 {
  return G ? n * G + c / P : c;
}

@inline function term(v: f64, m: f64, square: bool): f64 {
  return square ? (v - m) * (v - m) : v;
}

@inline function termv(v: v128, m: v128, square: bool): v128 {
  if (!square) return v;
  const d = f64x2.sub(v, m);
  return f64x2.mul(d, d);
}

@inline function sumsOf(R: i32, Q: i32, T: i32, x: usize, center: usize, acc: usize, square: bool): void {
  for (let r = 0; r < R; r++) {
    if (T == 1) {
      // One value per (r, q): lanes are two q's, each adding in r order as the reference does.
      let q = 0;
      for (; q + 2 <= Q; q += 2, x += 8) {
        const o = <usize>q << 3;
        addTo(acc + o, termv(load2(x), square ? v128.load(center + o) : f64x2.splat(0), square));
      }
      if (q < Q) {
        const o = <usize>q << 3;
        addTo1(acc + o, term(<f64>load<f32>(x), square ? load<f64>(center + o) : 0, square));
        x += 4;
      }
      continue;
    }
    for (let q = 0; q < Q; q++) {
      const m = square ? load<f64>(center + (<usize>q << 3)) : 0;
      const mv = f64x2.splat(m);
      let s = f64x2.splat(0);
      let t = 0;
      for (; t + 2 <= T; t += 2, x += 8) s = f64x2.add(s, termv(load2(x), mv, square));
      let total = lanes(s);
      if (t < T) {
        total += term(<f64>load<f32>(x), m, square);
        x += 4;
      }
      addTo1(acc + (<usize>q << 3), total);
    }
  }
}

/**
 * acc[q] += Σ over r < R, t < T of v(x[r, q, t]) for x [R, Q, T], with v = x when `center` is 0
 * (no array), else v = (x − center[q])². acc and center are f64 [Q].
 */
export function sums(R: i32, Q: i32, T: i32, x: usize, center: usize, acc: usize): void {
  if (center) sumsOf(R, Q, T, x, center, acc, true);
  else sumsOf(R, Q, T, x, 0, acc, false);
}

/**
 * y = x·s + (b − m·s) with s = inv·w over `count` elements, where m and inv advance by kStep and
 * w and b by cStep bytes per pair (16: one value per element; 0: splatted).
 */
function affine(count: i32, x: usize, y: usize, m: usize, inv: usize, kStep: usize, w: usize, b: usize, cStep: usize): void {
  let i = 0;
  for (; i + 2 <= count; i += 2, x += 8, y += 8, m += kStep, inv += kStep, w += cStep, b += cStep) {
    const s = f64x2.mul(v128.load(inv), v128.load(w));
    store2(y, f64x2.add(f64x2.mul(load2(x), s), f64x2.sub(v128.load(b), f64x2.mul(v128.load(m), s))));
  }
  if (i < count) {
    const s = load<f64>(inv) * load<f64>(w);
    store<f32>(y, <f32>(<f64>load<f32>(x) * s + (load<f64>(b) - load<f64>(m) * s)));
  }
}

/**
 * y = x·s + (b[c] − mean[k]·s) with s = inv[k]·w[c] on row (n, c) of statistic k; mean, inv [K],
 * w, b [C] (f64). y may be x. `scratch`: 64 bytes.
 */
export function normalize(N: i32, C: i32, S: i32, G: i32, x: usize, mean: usize, inv: usize, w: usize, b: usize, y: usize, scratch: usize): void {
  const P = G ? C / G : 1;
  for (let n = 0; n < N; n++) {
    if (S > 1) {
      for (let c = 0; c < C; c++, x += <usize>S << 2, y += <usize>S << 2) {
        const k = stat(n, c, G, P);
        affine(S, x, y, splat(scratch, mean, k), splat(scratch + 16, inv, k), 0, splat(scratch + 32, w, c), splat(scratch + 48, b, c), 0);
      }
    } else if (G == 0) {
      affine(C, x, y, mean, inv, 16, w, b, 16);
      x += <usize>C << 2;
      y += <usize>C << 2;
    } else {
      for (let c = 0; c < C; c += P, x += <usize>P << 2, y += <usize>P << 2) {
        const k = stat(n, c, G, P);
        affine(P, x, y, splat(scratch, mean, k), splat(scratch + 16, inv, k), 0, w + (<usize>c << 3), b + (<usize>c << 3), 16);
      }
    }
  }
}

/**
 * One-value rows (S = 1) of `count` channels: per element, with u = g·(x − m)·inv,
 * dB += g, dW += u (per channel), sG += w·g, sGX += w·u; m, inv, sG, sGX advance by kStep.
 */
function gradRun(count: i32, x: usize, g: usize, m: usize, inv: usize, kStep: usize, w: usize, dB: usize, dW: usize, sG: usize, sGX: usize): void {
  let i = 0;
  for (; i + 2 <= count; i += 2, x += 8, g += 8, w += 16, dB += 16, dW += 16, m += kStep, inv += kStep, sG += kStep, sGX += kStep) {
    const gv = load2(g);
    const u = f64x2.mul(f64x2.mul(gv, f64x2.sub(load2(x), v128.load(m))), v128.load(inv));
    addTo(dB, gv);
    addTo(dW, u);
    addTo(sG, f64x2.mul(v128.load(w), gv));
    addTo(sGX, f64x2.mul(v128.load(w), u));
  }
  if (i < count) {
    const gs = <f64>load<f32>(g);
    const u = gs * (<f64>load<f32>(x) - load<f64>(m)) * load<f64>(inv);
    addTo1(dB, gs);
    addTo1(dW, u);
    addTo1(sG, load<f64>(w) * gs);
    addTo1(sGX, load<f64>(w) * u);
  }
}

/**
 * The sums of the backward pass, added into zeroed f64 arrays: per channel dB[c] = Σ g and
 * dW[c] = Σ g·x̂, per statistic sG[k] = Σ w·g and sGX[k] = Σ w·g·x̂ (x̂ = (x − mean)·inv).
 * `scratch`: 64 bytes.
 */
export function gradSums(
  N: i32, C: i32, S: i32, G: i32, x: usize, g: usize, mean: usize, inv: usize, w: usize,
  dB: usize, dW: usize, sG: usize, sGX: usize, scratch: usize,
): void {
  const P = G ? C / G : 1;
  for (let n = 0; n < N; n++) {
    if (S > 1) {
      for (let c = 0; c < C; c++) {
        const k = stat(n, c, G, P);
        const m = load<f64>(mean + (<usize>k << 3));
        const mv = f64x2.splat(m);
        let a = f64x2.splat(0), q = f64x2.splat(0);
        let t = 0;
        for (; t + 2 <= S; t += 2, x += 8, g += 8) {
          const gv = load2(g);
          a = f64x2.add(a, gv);
          q = f64x2.add(q, f64x2.mul(gv, f64x2.sub(load2(x), mv)));
        }
        let sg = lanes(a), sgx = lanes(q);
        if (t < S) {
          const gs = <f64>load<f32>(g);
          sg += gs;
          sgx += gs * (<f64>load<f32>(x) - m);
          x += 4;
          g += 4;
        }
        const u = sgx * load<f64>(inv + (<usize>k << 3));
        const wc = load<f64>(w + (<usize>c << 3));
        addTo1(dB + (<usize>c << 3), sg);
        addTo1(dW + (<usize>c << 3), u);
        addTo1(sG + (<usize>k << 3), wc * sg);
        addTo1(sGX + (<usize>k << 3), wc * u);
      }
    } else if (G == 0) {
      gradRun(C, x, g, mean, inv, 16, w, dB, dW, sG, sGX);
      x += <usize>C << 2;
      g += <usize>C << 2;
    } else {
      for (let c = 0; c < C; c += P, x += <usize>P << 2, g += <usize>P << 2) {
        // The run's Σ w·g and Σ w·g·x̂ gather in two scratch pairs, then go to statistic k.
        const k = stat(n, c, G, P);
        v128.store(scratch + 32, f64x2.splat(0));
        v128.store(scratch + 48, f64x2.splat(0));
        const o = <usize>c << 3;
        gradRun(P, x, g, splat(scratch, mean, k), splat(scratch + 16, inv, k), 0, w + o, dB + o, dW + o, scratch + 32, scratch + 48);
        addTo1(sG + (<usize>k << 3), lanes(v128.load(scratch + 32)));
        addTo1(sGX + (<usize>k << 3), lanes(v128.load(scratch + 48)));
      }
    }
  }
}

/**
 * dx = a·g + c0 + c1·x with a = inv·w over `count` elements, where inv, c0 and c1 advance by
 * kStep and w by cStep bytes per pair (as `affine`).
 */
function dxRun(count: i32, x: usize, g: usize, dx: usize, inv: usize, c0: usize, c1: usize, kStep: usize, w: usize, cStep: usize): void {
  let i = 0;
  for (; i + 2 <= count; i += 2, x += 8, g += 8, dx += 8, inv += kStep, c0 += kStep, c1 += kStep, w += cStep) {
    const a = f64x2.mul(v128.load(inv), v128.load(w));
    store2(dx, f64x2.add(f64x2.add(f64x2.mul(a, load2(g)), v128.load(c0)), f64x2.mul(v128.load(c1), load2(x))));
  }
  if (i < count) {
    const a = load<f64>(inv) * load<f64>(w);
    store<f32>(dx, <f32>(a * <f64>load<f32>(g) + load<f64>(c0) + load<f64>(c1) * <f64>load<f32>(x)));
  }
}

/**
 * dx = a·g + c0[k] + c1[k]·x with a = inv[k]·w[c] on row (n, c) of statistic k; inv, c0, c1 [K],
 * w [C] (f64). dx may be g. `scratch`: 64 bytes.
 */
export function inputGrad(N: i32, C: i32, S: i32, G: i32, x: usize, g: usize, inv: usize, w: usize, c0: usize, c1: usize, dx: usize, scratch: usize): void {
  const P = G ? C / G : 1;
  for (let n = 0; n < N; n++) {
    if (S > 1) {
      for (let c = 0; c < C; c++, x += <usize>S << 2, g += <usize>S << 2, dx += <usize>S << 2) {
        const k = stat(n, c, G, P);
        dxRun(S, x, g, dx, splat(scratch, inv, k), splat(scratch + 16, c0, k), splat(scratch + 32, c1, k), 0, splat(scratch + 48, w, c), 0);
      }
    } else if (G == 0) {
      dxRun(C, x, g, dx, inv, c0, c1, 16, w, 16);
      x += <usize>C << 2;
      g += <usize>C << 2;
      dx += <usize>C << 2;
    } else {
      for (let c = 0; c < C; c += P, x += <usize>P << 2, g += <usize>P << 2, dx += <usize>P << 2) {
        const k = stat(n, c, G, P);
        dxRun(P, x, g, dx, splat(scratch, inv, k), splat(scratch + 16, c0, k), splat(scratch + 32, c1, k), 0, w + (<usize>c << 3), 16);
      }
    }
  }
}
