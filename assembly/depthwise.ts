/**
 * Direct depthwise 2-D convolution in WebAssembly SIMD128 (AssemblyScript; built by
 * scripts/build-wasm.mjs into src/backend/wasm/kernels.generated.ts): the forward pass and both
 * gradients of a convolution with one input channel per group and Mg output channels per group.
 *
 * Contract: float32, contiguous, at byte addresses in linear memory: x [N, C, H, W],
 * w [C·Mg, kh, kw], y [N, C·Mg, oh, ow]; output channel m = c·Mg + j reads input channel c, so
 * output plane (n, m) is plane n·C·Mg + c·Mg + j = (n·C + c)·Mg + j. Geometry is in elements.
 * Each export computes whole planes (input planes p0 ≤ n·C + c < p1, or channels c0 ≤ c < c1 for
 * the weight gradient) and writes every element of them. At stride 2, x is read with vector
 * loads that may touch the float just past a row's last input, so x must not end the memory.
 * Nothing is allocated: the caller lays out memory.
 *
 * The forward pass and the input gradient build each output row from the kernel rows that reach
 * it. A kernel row's taps over the outputs whose inputs all lie inside the row (found once per
 * call with shared/runs.ts) run in blocks of sixteen outputs held in four f32x4 registers across
 * the taps, with no bounds checks; only the few outputs next to the padding check each tap. The
 * input gradient at stride 1 is the same gather with the taps mirrored; at larger strides each
 * tap scatters its run of dy. The weight gradient sums, per image and tap, the products over the
 * tap's rectangle of valid outputs with vector dot products. Vector loads at stride 2 take every
 * other float with a shuffle; larger strides run one float at a time.
 *
 * Per element, terms are added in the order of the reference (src/backend/ref/conv/direct.ts):
 * the forward pass sums the taps in raster order and the input gradient sums (j, ky, kx) in order,
 * so both differ from it only by float32 rounding; the weight gradient sums each image on its own
 * (in vector lanes) and adds the images in order.
 */
import { runEnd, runStart } from "./shared/runs";

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** The floats at p, p + s, p + 2s, p + 3s for s = 1 or 2 (at 2 it reads one float past p + 6). */
@inline function load4(p: usize, s: i32): v128 {
  return s == 1 ? v128.load(p) : f32x4.shuffle(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
}

/** Byte address of float i (possibly negative) of the array at p. */
@inline function el(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** dst[0..n) = 0 (floats). */
@inline function zero(dst: usize, n: i32): void {
  memory.fill(dst, 0, <usize>n << 2);
}

/**
 * One kernel row's taps added into outputs [from, to): dst[t] += Σ w[kx] · src[t·s + off + kx·step]
 * over kx < kw in order, every src index in range, four outputs per instruction, in blocks of
 * sixteen whose sums stay in registers across the taps. Returns the first output not done (the
 * last few are left to `edgeTaps`). Inlined with s = 1 and 2 constant, so loads do not branch.
 */
@inline function blocks(dst: usize, src: usize, s: i32, off: i32, step: i32, w: usize, kw: i32, from: i32, to: i32): i32 {
  const q = <usize>s << 4; // bytes between blocks of four inputs
  let t = from;
  for (; t + 16 <= to; t += 16) {
    const d = el(dst, t);
    let a0 = v128.load(d), a1 = v128.load(d, 16), a2 = v128.load(d, 32), a3 = v128.load(d, 48);
    let p = el(src, t * s + off);
    for (let kx = 0; kx < kw; kx++, p = el(p, step)) {
      const wv = v128.load32_splat(el(w, kx));
      a0 = f32x4.add(a0, f32x4.mul(wv, load4(p, s)));
      a1 = f32x4.add(a1, f32x4.mul(wv, load4(p + q, s)));
      a2 = f32x4.add(a2, f32x4.mul(wv, load4(p + 2 * q, s)));
      a3 = f32x4.add(a3, f32x4.mul(wv, load4(p + 3 * q, s)));
    }
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
  }
  for (; t + 4 <= to; t += 4) {
    const d = el(dst, t);
    let a0 = v128.load(d);
    let p = el(src, t * s + off);
    for (let kx = 0; kx < kw; kx++, p = el(p, step)) a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(el(w, kx)), load4(p, s)));
    v128.store(d, a0);
  }
  return t;
}

/** `blocks` at strides 1 and 2; other strides are left to `edgeTaps` (returns from). */
function interior(dst: usize, src: usize, s: i32, off: i32, step: i32, w: usize, kw: i32, from: i32, to: i32): i32 {
  if (s == 1) return blocks(dst, src, 1, off, step, w, kw, from, to);
  if (s == 2) return blocks(dst, src, 2, off, step, w, kw, from, to);
  return from;
}

/** As `blocks`, one output at a time, with only the terms whose src index lies in [0, n). */
function edgeTaps(dst: usize, src: usize, s: i32, off: i32, step: i32, w: usize, kw: i32, from: i32, to: i32, n: i32): void {
  for (let t = from; t < to; t++) {
    let acc = load<f32>(el(dst, t));
    for (let kx = 0, i = t * s + off; kx < kw; kx++, i += step) {
      if (<u32>i < <u32>n) acc += load<f32>(el(w, kx)) * load<f32>(el(src, i));
    }
    store<f32>(el(dst, t), acc);
  }
}

/** First output whose taps (see `blocks`) all read inside [0, n), at most `to`. */
@inline function interiorStart(s: i32, off: i32, step: i32, kw: i32, to: i32): i32 {
  return min(to, runStart(off + min(0, (kw - 1) * step), s));
}

/** End (exclusive, ≥ a) of the outputs from a on whose taps all read inside [0, n). */
@inline function interiorEnd(a: i32, s: i32, off: i32, step: i32, kw: i32, n: i32, to: i32): i32 {
  return max(a, runEnd(off + max(0, (kw - 1) * step), s, n, to) + 1);
}

/** One kernel row's taps into outputs [0, to): vector blocks over [a, b), checked ones elsewhere. */
@inline function row(dst: usize, src: usize, s: i32, off: i32, step: i32, w: usize, kw: i32, a: i32, b: i32, to: i32, n: i32): void {
  edgeTaps(dst, src, s, off, step, w, kw, 0, a, n);
  edgeTaps(dst, src, s, off, step, w, kw, interior(dst, src, s, off, step, w, kw, a, b), to, n);
}

/** dst[t·ds] += a · src[t] for t < n (the strided input gradient's scatter). */
function axpy(dst: usize, ds: i32, src: usize, n: i32, a: f32): void {
  for (let t = 0; t < n; t++) {
    const d = el(dst, t * ds);
    store<f32>(d, load<f32>(d) + a * load<f32>(el(src, t)));
  }
}

/**
 * Σ over rows r < rows and t < n of a[r·ra + t] · b[r·rb + t·s] (row strides in bytes): sixteen
 * products at a time in four independent vector sums, then four, then one. Inlined with s
 * constant, so loads do not branch.
 */
@inline function sumRows(a: usize, ra: usize, b: usize, rb: usize, s: i32, n: i32, rows: i32, simd: bool): f32 {
  const q = <usize>s << 4;
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
  let sum: f32 = 0;
  for (let r = 0; r < rows; r++, a += ra, b += rb) {
    let t = 0;
    if (simd) {
      for (; t + 16 <= n; t += 16) {
        const pa = el(a, t), pb = el(b, t * s);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(pa), load4(pb, s)));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(pa, 16), load4(pb + q, s)));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(pa, 32), load4(pb + 2 * q, s)));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(pa, 48), load4(pb + 3 * q, s)));
      }
      for (; t + 4 <= n; t += 4) a1 = f32x4.add(a1, f32x4.mul(v128.load(el(a, t)), load4(el(b, t * s), s)));
    }
    for (; t < n; t++) sum += load<f32>(el(a, t)) * load<f32>(el(b, t * s));
  }
  a0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  return sum + ((f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1)) + (f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3)));
}

/** `sumRows`, specialised for strides 1 and 2 (others one product at a time). */
function dot(a: usize, ra: usize, b: usize, rb: usize, s: i32, n: i32, rows: i32): f32 {
  if (s == 1) return sumRows(a, ra, b, rb, 1, n, rows, true);
  if (s == 2) return sumRows(a, ra, b, rb, 2, n, rows, true);
  return sumRows(a, ra, b, rb, s, n, rows, false);
}

/**
 * y = x ⋆ w on input planes [p0, p1) (output planes p·Mg + j, j < Mg). Per output row, each valid
 * kernel row adds its taps: y[ox] += Σ w[ky, kx] · x[iy, ox·sw − pw + kx·dw].
 */
export function forward(
  x: usize, w: usize, y: usize, p0: i32, p1: i32, C: i32, Mg: i32,
  H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  const a = interiorStart(sw, -pw, dw, kw, ow);
  const b = interiorEnd(a, sw, -pw, dw, kw, W, ow);
  for (let p = p0; p < p1; p++) {
    const xp = el(x, p * H * W);
    for (let j = 0; j < Mg; j++) {
      const wt = el(w, ((p % C) * Mg + j) * kh * kw);
      let yrow = el(y, (p * Mg + j) * oh * ow);
      for (let oy = 0; oy < oh; oy++, yrow = el(yrow, ow)) {
        zero(yrow, ow);
        const top = oy * sh - ph;
        const last = runEnd(top, dh, H, kh);
        for (let ky = runStart(top, dh); ky <= last; ky++) {
          row(yrow, el(xp, (top + ky * dh) * W), sw, -pw, dw, el(wt, ky * kw), kw, a, b, ow, W);
        }
      }
    }
  }
}

/**
 * dx = ∂L/∂x from dy on input planes [p0, p1), each summing its Mg output planes. At stride 1 a
 * dx row gathers like the forward pass with the taps mirrored, dx[ix] += Σ w[ky, kx] ·
 * dy[oy, ix + pw − kx·dw]; at larger strides each tap scatters its run of dy into every sw-th dx.
 */
export function inputGrad(
  dy: usize, w: usize, dx: usize, p0: i32, p1: i32, C: i32, Mg: i32,
  H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  const a = interiorStart(1, pw, -dw, kw, W);
  const b = interiorEnd(a, 1, pw, -dw, kw, ow, W);
  for (let p = p0; p < p1; p++) {
    let dxrow = el(dx, p * H * W);
    for (let iy = 0; iy < H; iy++, dxrow = el(dxrow, W)) {
      zero(dxrow, W);
      for (let j = 0; j < Mg; j++) {
        const wt = el(w, ((p % C) * Mg + j) * kh * kw);
        const dyp = el(dy, (p * Mg + j) * oh * ow);
        for (let ky = 0; ky < kh; ky++) {
          const t = iy + ph - ky * dh;
          if (t < 0 || t % sh != 0 || t / sh >= oh) continue;
          const dyrow = el(dyp, (t / sh) * ow);
          const wr = el(wt, ky * kw);
          if (sw == 1) {
            row(dxrow, dyrow, 1, pw, -dw, wr, kw, a, b, W, ow);
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const shift = kx * dw - pw;
            const lo = runStart(shift, sw);
            const hi = runEnd(shift, sw, W, ow);
            if (hi >= lo) axpy(el(dxrow, lo * sw + shift), sw, el(dyrow, lo), hi - lo + 1, load<f32>(el(wr, kx)));
          }
        }
      }
    }
  }
}

/**
 * dw = ∂L/∂w over the N images for the output channels of input channels [c0, c1). Per image and
 * tap, the products over the tap's rectangle of valid outputs are summed on their own, then
 * added to dw (the reference's order of images).
 */
export function weightGrad(
  x: usize, dy: usize, dwt: usize, c0: i32, c1: i32, N: i32, C: i32, Mg: i32,
  H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32,
): void {
  for (let c = c0; c < c1; c++) {
    for (let j = 0; j < Mg; j++) {
      const wt = el(dwt, (c * Mg + j) * kh * kw);
      zero(wt, kh * kw);
      for (let n = 0; n < N; n++) {
        const xp = el(x, (n * C + c) * H * W);
        const dyp = el(dy, ((n * C + c) * Mg + j) * oh * ow);
        for (let ky = 0, tap = wt; ky < kh; ky++) {
          const top = ky * dh - ph;
          const y0 = runStart(top, sh);
          const rows = runEnd(top, sh, H, oh) + 1 - y0;
          for (let kx = 0; kx < kw; kx++, tap += 4) {
            const shift = kx * dw - pw;
            const lo = runStart(shift, sw);
            const len = runEnd(shift, sw, W, ow) + 1 - lo;
            if (rows <= 0 || len <= 0) continue;
            const sum = dot(el(dyp, y0 * ow + lo), <usize>ow << 2, el(xp, (y0 * sh + top) * W + lo * sw + shift), <usize>(sh * W) << 2, sw, len, rows);
            store<f32>(tap, load<f32>(tap) + sum);
          }
        }
      }
    }
  }
}
