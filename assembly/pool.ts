/**
 * 2-D pooling kernels in WebAssembly (AssemblyScript; built by scripts/build-wasm.mjs into
 * src/backend/wasm/kernels.generated.ts), with exactly the semantics of the reference kernels
 * in src/backend/ref/window.ts and ref/indexing.ts.
 *
 * Contract: `planes` contiguous [H, W] float32 input planes and [oh, ow] output planes at byte
 * addresses in linear memory; window geometry in elements (kernel kh×kw, stride, left padding,
 * dilation, output size). Padding is never read, but max pooling at stride 2 may load (and
 * ignore) the float just past the input, so the input must not end the memory. Every output
 * element is written. Nothing is allocated: the caller lays out memory, including `div` (oh·ow
 * f64) for average pooling.
 *
 * Orders follow the reference: a window's taps in raster order (ties and first NaN go to the
 * first element, sums add in the same order, in f64), and the adjoints add tap by tap, so the
 * results equal the reference bit for bit.
 */
import { runEnd, runStart } from "./shared/runs";

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** The floats at p, p + s, p + 2s, p + 3s (elements). At s = 2 this reads one float past p + 6s. */
@inline function load4(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 2) return f32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const s4 = <usize>s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + s4));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * s4));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * s4));
}

/**
 * Max pooling (`sign` 1) or min pooling (`sign` −1): values (f32) and the flat index of each
 * winner within its plane (i32); a window with no real element gets ∓∞ and index −1.
 *
 * Vectorised over four adjacent outputs of a row: for each tap, in raster order, the run of
 * outputs whose input is inside the plane updates their (best, index) pair in place in the
 * output row. Values are compared as sign·x, so min pooling is max pooling of −x. An output
 * takes the tap when it has no winner yet, when the tap is larger, or when the tap is the first
 * NaN (a NaN winner then stays): exactly the reference's rule.
 */
export function maxPool2d(
  x: usize, planes: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, sign: f32, values: usize, indices: usize,
): void {
  const signs = f32x4.splat(sign);
  const lanes = i32x4.mul(i32x4(0, 1, 2, 3), i32x4.splat(sw));
  const empty = -sign * Infinity;
  let vrow = values, irow = indices;
  for (let p = 0; p < planes; p++) {
    const xp = x + (<usize>(p * H * W) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) store<i32>(irow + (<usize>ox << 2), -1);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - ph + ky * dh;
        if (<u32>iy >= <u32>H) continue;
        for (let kx = 0; kx < kw; kx++) {
          const shift = kx * dw - pw;
          const hi = runEnd(shift, sw, W, ow);
          let ox = runStart(shift, sw);
          const base = iy * W + shift; // flat index of output column 0's tap
          for (; ox + 3 <= hi; ox += 4) {
            const i = base + ox * sw;
            const v = f32x4.mul(load4(xp + (<usize>i << 2), sw), signs);
            const at = <usize>ox << 2;
            const best = v128.load(vrow + at), idx = v128.load(irow + at);
            const take = v128.or(
              v128.or(i32x4.lt_s(idx, i32x4.splat(0)), f32x4.gt(v, best)),
              v128.and(f32x4.ne(v, v), f32x4.eq(best, best)),
            );
            v128.store(vrow + at, v128.bitselect(v, best, take));
            v128.store(irow + at, v128.bitselect(i32x4.add(i32x4.splat(i), lanes), idx, take));
          }
          for (; ox <= hi; ox++) {
            const i = base + ox * sw;
            const v = sign * load<f32>(xp + (<usize>i << 2));
            const at = <usize>ox << 2;
            const best = load<f32>(vrow + at);
            if (load<i32>(irow + at) < 0 || v > best || (v != v && best == best)) {
              store<f32>(vrow + at, v);
              store<i32>(irow + at, i);
            }
          }
        }
      }
      for (let ox = 0; ox < ow; ox++) {
        const at = <usize>ox << 2;
        store<f32>(vrow + at, load<i32>(irow + at) < 0 ? empty : sign * load<f32>(vrow + at));
      }
      vrow += <usize>ow << 2;
      irow += <usize>ow << 2;
    }
  }
}

/** Lanes where the tap v (compared as sign·x) beats the winner so far: larger, or the first NaN. */
@inline function beats4(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/** The scalar form of `beats4`. */
@inline function beats(v: f32, best: f32): bool {
  return v > best || (v != v && best == best);
}

/**
 * `maxPool2d` for the most common window — 2×2, stride 2, no padding, dilation 1, every window
 * inside the plane (2·oh ≤ H, 2·ow ≤ W) — with the same results: four outputs at a time from two
 * 8-float row loads split into even and odd columns, taps compared in raster order; rows of
 * fewer than four outputs one output at a time.
 */
export function maxPool2x2(x: usize, planes: i32, H: i32, W: i32, oh: i32, ow: i32, sign: f32, values: usize, indices: usize): void {
  const signs = f32x4.splat(sign);
  const lanes = i32x4(0, 2, 4, 6);
  let vrow = values, irow = indices;
  for (let p = 0; p < planes; p++) {
    const xp = x + (<usize>(p * H * W) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const i0 = 2 * oy * W; // flat index of output column 0's top-left tap
      const r0 = xp + (<usize>i0 << 2), r1 = r0 + (<usize>W << 2);
      // Four outputs at a time; a ragged end (ow ≥ 4) redoes the last four, overlapping.
      for (let ox = 0; ox < ow && ow >= 4; ox += 4) {
        if (ox + 4 > ow) ox = ow - 4;
        const o = <usize>ox << 3;
        const a0 = v128.load(r0 + o), b0 = v128.load(r0 + o, 16);
        const a1 = v128.load(r1 + o), b1 = v128.load(r1 + o, 16);
        const at = i32x4.add(i32x4.splat(i0 + 2 * ox), lanes); // the top-left taps' flat indices
        let idx = at;
        let best = f32x4.mul(f32x4.shuffle(a0, b0, 0, 2, 4, 6), signs);
        // The other three taps in raster order: right, below, below right.
        let v = f32x4.mul(f32x4.shuffle(a0, b0, 1, 3, 5, 7), signs);
        let take = beats4(v, best);
        best = v128.bitselect(v, best, take);
        idx = v128.bitselect(i32x4.add(at, i32x4.splat(1)), idx, take);
        v = f32x4.mul(f32x4.shuffle(a1, b1, 0, 2, 4, 6), signs);
        take = beats4(v, best);
        best = v128.bitselect(v, best, take);
        idx = v128.bitselect(i32x4.add(at, i32x4.splat(W)), idx, take);
        v = f32x4.mul(f32x4.shuffle(a1, b1, 1, 3, 5, 7), signs);
        take = beats4(v, best);
        best = v128.bitselect(v, best, take);
        idx = v128.bitselect(i32x4.add(at, i32x4.splat(W + 1)), idx, take);
        v128.store(irow + (<usize>ox << 2), idx);
        v128.store(vrow + (<usize>ox << 2), f32x4.mul(best, signs));
      }
      for (let ox = 0; ox < ow && ow < 4; ox++) {
        const i = i0 + 2 * ox;
        let bi = i;
        let best = sign * load<f32>(xp + (<usize>i << 2));
        let v = sign * load<f32>(xp + (<usize>(i + 1) << 2));
        if (beats(v, best)) { best = v; bi = i + 1; }
        v = sign * load<f32>(xp + (<usize>(i + W) << 2));
        if (beats(v, best)) { best = v; bi = i + W; }
        v = sign * load<f32>(xp + (<usize>(i + W + 1) << 2));
        if (beats(v, best)) { best = v; bi = i + W + 1; }
        store<f32>(vrow + (<usize>ox << 2), sign * best);
        store<i32>(irow + (<usize>ox << 2), bi);
      }
      vrow += <usize>ow << 2;
      irow += <usize>ow << 2;
    }
  }
}

/** Window elements along one axis that count towards the divisor (PyTorch's rule). */
@inline function axisCount(o: i32, k: i32, s: i32, p: i32, n: i32, countIncludePad: bool): i32 {
  let start = o * s - p;
  let end = min(start + k, n + p);
  const padded = end - start;
  start = max(start, 0);
  end = min(end, n);
  return countIncludePad ? padded : end - start;
}

/** div[oh·ow] (f64) = the divisor of each window: `divisor` when non-zero, else its element count. */
export function avgDivisors2d(
  H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32,
  countIncludePad: bool, divisor: f64, div: usize,
): void {
  for (let oy = 0; oy < oh; oy++) {
    const cy = <f64>axisCount(oy, kh, sh, ph, H, countIncludePad);
    for (let ox = 0; ox < ow; ox++) {
      const d = divisor != 0 ? divisor : cy * <f64>axisCount(ox, kw, sw, pw, W, countIncludePad);
      store<f64>(div + (<usize>(oy * ow + ox) << 3), d);
    }
  }
}

/** Average pooling: out = (Σ window, in f64) / div (see `avgDivisors2d`). */
export function avgPool2d(
  x: usize, planes: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, div: usize, out: usize,
): void {
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const xp = x + (<usize>(p * H * W) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let acc: f64 = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (<u32>iy >= <u32>H) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (<u32>ix >= <u32>W) continue;
            acc += <f64>load<f32>(xp + (<usize>(iy * W + ix) << 2));
          }
        }
        const d = load<f64>(div + (<usize>(oy * ow + ox) << 3));
        store<f32>(out + (o << 2), <f32>(acc / d));
        o++;
      }
    }
  }
}

/** Adjoint of `avgPool2d`: out [planes, H, W] = g spread evenly over each window (out is overwritten). */
export function avgPoolGrad2d(
  g: usize, planes: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, div: usize, out: usize,
): void {
  memory.fill(out, 0, <usize>(planes * H * W) << 2);
  for (let p = 0; p < planes; p++) {
    const gp = g + (<usize>(p * oh * ow) << 2);
    const xp = out + (<usize>(p * H * W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (<u32>iy >= <u32>H) continue;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw - pw + kx * dw;
            if (<u32>ix >= <u32>W) continue;
            const o = <usize>(oy * ow + ox);
            const at = xp + (<usize>(iy * W + ix) << 2);
            store<f32>(at, <f32>(<f64>load<f32>(at) + <f64>load<f32>(gp + (o << 2)) / load<f64>(div + (o << 3))));
          }
        }
      }
    }
  }
}

/**
 * out [planes, planeSize] = 0, then out[p][indices[p, k]] += src[p, k] for k < per (src f32 and
 * indices i32 contiguous [planes, per]; every index within [0, planeSize)).
 */
export function scatterPlanes(src: usize, indices: usize, planes: i32, per: i32, planeSize: i32, out: usize): void {
  memory.fill(out, 0, <usize>(planes * planeSize) << 2);
  let k: usize = 0;
  for (let p = 0; p < planes; p++) {
    const base = out + (<usize>(p * planeSize) << 2);
    for (let e = 0; e < per; e++) {
      const at = base + (<usize>load<i32>(indices + (k << 2)) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(src + (k << 2)));
      k++;
    }
  }
}
