/**
 * Unfolding for the im2col convolution of one 2-D image, and the convolutions' bias epilogue, in
 * WebAssembly SIMD128 (AssemblyScript; built by scripts/build-wasm.mjs into
 * src/backend/wasm/kernels.generated.ts).
 *
 * Contract: x is one image [C, H, W] and cols its columns [C·kh·kw, oh·ow], both contiguous
 * float32 at byte addresses in linear memory. Row (c, ky, kx) of cols, column (oy, ox) reads
 * x[c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw], or 0 in the padding. `im2col2d` writes every
 * element of cols; `col2im2d`, its adjoint, overwrites x with the sums of the columns. Geometry
 * is in elements; nothing is allocated (the caller lays out memory).
 *
 * Both walk, per kernel tap and output row, the one run of outputs whose input lies inside the
 * image (its ends computed once per tap), so the inner loops have no bounds checks and, at
 * stride 1, move four floats per instruction. Taps are visited in order (c, ky, kx, oy, ox), the
 * order of the reference kernels, so col2im sums in the same order as they do.
 */
import { runEnd, runStart } from "./shared/runs";

/** First free byte after the module's static data (there is none: modules share one memory). */
export function heapBase(): usize {
  return __heap_base;
}

/** dst[0..n) = 0 (floats). Inline: the runs are short, and a memory.fill call costs more than they do. */
@inline function zero(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0..n) = src[0, s, 2s, …] (floats). */
@inline function gather(dst: usize, src: usize, n: i32, s: i32): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>(i * s) << 2)));
}

/** dst[0, s, 2s, …] += src[0..n) (floats). */
@inline function scatterAdd(dst: usize, src: usize, n: i32, s: i32): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= n; i += 4) {
      const d = dst + (<usize>i << 2);
      v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) {
    const d = dst + (<usize>(i * s) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * The shared walk: for every tap (c, ky, kx) and output row oy, the run [lo, hi] of valid
 * outputs: cols row at `row + 4·oy·ow`, input at `x + 4·(iy·W + lo·sw + shift)`. `adjoint`
 * selects col2im (add the run into x) over im2col (copy it out, zero the rest of the row).
 */
@inline function walk(
  x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, cols: usize, adjoint: bool,
): void {
  const rowBytes = <usize>ow << 2;
  let row = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        const shift = kx * dw - pw;
        const lo = runStart(shift, sw);
        const hi = runEnd(shift, sw, W, ow);
        for (let oy = 0; oy < oh; oy++) {
          const dst = row + <usize>oy * rowBytes;
          const iy = oy * sh - ph + ky * dh;
          if (<u32>iy >= <u32>H || hi < lo) {
            if (!adjoint) zero(dst, ow);
            continue;
          }
          const src = plane + (<usize>(iy * W + lo * sw + shift) << 2);
          const run = dst + (<usize>lo << 2);
          if (adjoint) {
            scatterAdd(src, run, hi - lo + 1, sw);
          } else {
            zero(dst, lo);
            gather(run, src, hi - lo + 1, sw);
            zero(dst + (<usize>(hi + 1) << 2), ow - 1 - hi);
          }
        }
        row += <usize>oh * rowBytes;
      }
    }
  }
}

/** cols [C·kh·kw, oh·ow] = the columns of image x [C, H, W] (see the file comment). */
export function im2col2d(
  x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, cols: usize,
): void {
  walk(x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, cols, false);
}

/** x [C, H, W] = the adjoint of `im2col2d` applied to cols [C·kh·kw, oh·ow] (x is overwritten). */
export function col2im2d(
  cols: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32,
  dh: i32, dw: i32, oh: i32, ow: i32, x: usize,
): void {
  memory.fill(x, 0, <usize>(C * H * W) << 2);
  walk(x, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, cols, true);
}

/** Width of the GEMM's packed B panels (sgemm.ts `NR`), whose layout `packPanels` writes. */
const NR: i32 = 8;

/**
 * First step of unfolding image x for a column stride of 1 (any row stride, padding and
 * dilation) into the GEMM's packed panels: copies x with its zero padding into `scratch`
 * ([C, Hp, Wp] floats with Hp = (oh − 1)·sh + (kh − 1)·dh + 1 and Wp = ow + (kw − 1)·dw, then 8
 * spare floats), then room for NR lane offsets and the byte offsets of the C·kh·kw taps (i32).
 * Returns the taps' address, for `packPanels`.
 */
export function padImage(
  x: usize, C: i32, H: i32, W: i32, kh: i32, kw: i32, sh: i32, ph: i32, pw: i32, dh: i32, dw: i32, oh: i32, ow: i32, scratch: usize,
): usize {
  const Hp = (oh - 1) * sh + (kh - 1) * dh + 1, Wp = ow + (kw - 1) * dw;
  const plane = Hp * Wp;
  // Columns [x0, x1) of each in-image row come from the input.
  const x0 = min(pw, Wp), x1 = max(x0, min(pw + W, Wp));
  let d = scratch;
  for (let c = 0; c < C; c++) {
    for (let py = 0; py < Hp; py++) {
      const iy = py - ph;
      if (<u32>iy >= <u32>H) {
        zero(d, Wp);
      } else {
        zero(d, x0);
        gather(d + (<usize>x0 << 2), x + (<usize>((c * H + iy) * W + x0 - pw) << 2), x1 - x0, 1);
        zero(d + (<usize>x1 << 2), Wp - x1);
      }
      d += <usize>Wp << 2;
    }
  }
  zero(d, 8);
  const taps = d + 32 + (<usize>NR << 2);
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        store<i32>(taps + (<usize>k << 2), (c * plane + ky * dh * Wp + kx * dw) << 2);
        k++;
      }
    }
  }
  return taps;
}

/**
 * Second step: the block of columns (as `im2col2d` defines them) for output positions [q0, q1)
 * (q0 a multiple of NR; L = oh·ow positions in all) and taps [k0, k1), read from the padded image
 * at `padded` (output row stride `rowStep` = sh·Wp floats) with the taps' offsets at `taps`, into
 * the packed-B layout of sgemm.ts `sgemmPanels` at dst: ⌈(q1 − q0)/NR⌉ panels [k][NR] (lanes past L
 * unspecified). Four outputs of one row are one vector load; a vector whose outputs wrap onto the
 * next output row blends two loads; rows shorter than a vector and a ragged last panel go lane by
 * lane.
 */
export function packPanels(
  padded: usize, taps: usize, rowStep: i32, ow: i32, L: i32, q0: i32, q1: i32, k0: i32, k1: i32, dst: usize,
): void {
  const depth = k1 - k0;
  const tap0 = taps + (<usize>k0 << 2);
  const lanes = taps - (<usize>NR << 2);
  const lane = i32x4(0, 1, 2, 3);
  for (let q = q0; q < q1; q += NR) {
    if (q + NR <= L && ow >= 4) {
      // Each half of the panel: lanes from output row r, then (from lane s on) from row r + 1.
      const r0 = q / ow, s0 = ow - (q - r0 * ow);
      const r1 = (q + 4) / ow, s1 = ow - (q + 4 - r1 * ow);
      const a0 = padded + <usize>((r0 * rowStep + ow - s0) << 2), b0 = padded + <usize>(((r0 + 1) * rowStep - s0) << 2);
      const a1 = padded + <usize>((r1 * rowStep + ow - s1) << 2), b1 = padded + <usize>(((r1 + 1) * rowStep - s1) << 2);
      if (s0 >= 4 && s1 >= 4) {
        for (let k = 0; k < depth; k++) {
          const o = <usize>load<i32>(tap0 + (<usize>k << 2));
          const at = dst + (<usize>k << 5);
          v128.store(at, v128.load(a0 + o));
          v128.store(at, v128.load(a1 + o), 16);
        }
      } else {
        const m0 = i32x4.ge_s(lane, i32x4.splat(s0)), m1 = i32x4.ge_s(lane, i32x4.splat(s1));
        for (let k = 0; k < depth; k++) {
          const o = <usize>load<i32>(tap0 + (<usize>k << 2));
          const at = dst + (<usize>k << 5);
          v128.store(at, v128.bitselect(v128.load(b0 + o), v128.load(a0 + o), m0));
          v128.store(at, v128.bitselect(v128.load(b1 + o), v128.load(a1 + o), m1), 16);
        }
      }
    } else {
      // Lane by lane: each lane's offset (−1: past L, zero), then every tap.
      for (let l = 0; l < NR; l++) {
        const p = q + l, r = p / ow;
        store<i32>(lanes + (<usize>l << 2), p < L ? (r * rowStep + p - r * ow) << 2 : -1);
      }
      for (let k = 0; k < depth; k++) {
        const o = load<i32>(tap0 + (<usize>k << 2));
        const at = dst + (<usize>k << 5);
        for (let l = 0; l < NR; l++) {
          const p = load<i32>(lanes + (<usize>l << 2));
          store<f32>(at + (<usize>l << 2), p < 0 ? 0 : load<f32>(padded + <usize>(p + o)));
        }
      }
    }
    dst += <usize>depth << 5;
  }
}

/**
 * The convolution's epilogue on `planes` output planes of L floats at y, run while they are still
 * in cache: adds a per-channel bias when b ≠ 0 (plane p belongs to channel (p0 + p) mod M, whose
 * bias is the float at b + 4·channel), then applies ReLU when `relu` (x > 0 ? x : 0, so NaN and −0
 * become +0 exactly as the reference's ReLU does).
 */
export function epilogue(y: usize, planes: i32, L: i32, b: usize, M: i32, p0: i32, relu: bool): void {
  const zero = f32x4.splat(0);
  for (let p = 0; p < planes; p++) {
    const v = b ? load<f32>(b + (<usize>((p0 + p) % M) << 2)) : 0;
    const vv = f32x4.splat(v);
    const row = y + (<usize>p * <usize>L << 2);
    let i = 0;
    for (; i + 4 <= L; i += 4) {
      const at = row + (<usize>i << 2);
      let r = v128.load(at);
      if (b) r = f32x4.add(r, vv);
      if (relu) r = v128.and(r, f32x4.gt(r, zero));
      v128.store(at, r);
    }
    for (; i < L; i++) {
      const at = row + (<usize>i << 2);
      let r = load<f32>(at);
      if (b) r += v;
      if (relu) r = r > 0 ? r : 0;
      store<f32>(at, r);
    }
  }
}
