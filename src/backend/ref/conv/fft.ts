/**
 * FFT convolution (the convolution theorem): a correlation y = x ⋆ w becomes, in frequency,
 * Y = Σ_c X_c · conj(W_mc), one pointwise product per (output, input) channel pair instead of
 * one per tap. Transforms are real-input 2-D FFTs (radix-2, sizes padded to the next power of
 * two ≥ the padded input, which is enough to make the circular correlation equal the linear
 * one on every output the convolution keeps). 1-D convolutions run as 2-D ones of height 1.
 * Stride 1 and dilation 1 only.
 *
 * Gradients are FFT convolutions too: dx = irfft(Σ_m G_m · W_mc) cropped by the padding (a full
 * convolution with the kernel: the correlation with the flipped kernel), and dw = irfft(Σ_n X_nc ·
 * conj(G_nm)) cropped to the kernel window (the correlation of x with g).
 *
 * Filter spectra are computed once per call and shared by the whole batch. They are not cached
 * across calls: a spectrum is F_h·F_w/2 complex numbers per 3×3 or 5×5 filter, ~(F/k)² times the
 * filter's size, which would dwarf the weights for any realistic layer.
 */
import type { ConvGeometry, View } from "../../backend.js";
import { allocArray, convDims, type ConvDims, type DType, type TypedArray } from "./common.js";

// ---- 1-D complex FFT (iterative radix-2) ---------------------------------------------------

interface Plan {
  readonly n: number;
  readonly rev: Uint32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

const plans = new Map<number, Plan>();

function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/** In-place FFT of re + i·im (length n = 2^k); inverse = true computes n·IFFT (unscaled). */
function fft(re: Float64Array, im: Float64Array, p: Plan, inverse: boolean): void {
  const { n, rev, cos, sin } = p;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size *= 2) {
    const half = size / 2;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = start + k;
        const b = a + half;
        const tr = re[b] * wr - im[b] * wi;
        const ti = re[b] * wi + im[b] * wr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
      }
    }
  }
}

/** The transform length used for a padded extent n: the next power of two (≥ 2). */
export function fftSize(n: number): number {
  let f = 2;
  while (f < n) f *= 2;
  return f;
}

/**
 * Real multiplications of one real 2-D FFT of Fh×Fw (each butterfly: one complex multiply = 4
 * real): Fh/2 packed complex row FFTs of length Fw, then Fw/2+1 column FFTs of length Fh.
 */
export function rfft2Multiplications(Fh: number, Fw: number): number {
  const butterflies = (n: number) => (n / 2) * Math.log2(n);
  return 4 * ((Fh / 2) * butterflies(Fw) + (Fw / 2 + 1) * butterflies(Fh));
}

// ---- real 2-D transforms of padded planes ---------------------------------------------------

/** A half spectrum Fh × (Fw/2+1), split in real and imaginary parts. */
interface Spectrum {
  re: Float64Array;
  im: Float64Array;
}

class Fft2 {
  readonly Wh: number;
  private readonly rowPlan: Plan;
  private readonly colPlan: Plan;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;

  constructor(readonly Fh: number, readonly Fw: number) {
    this.Wh = Fw / 2 + 1;
    this.rowPlan = plan(Fw);
    this.colPlan = plan(Fh);
    this.zr = new Float64Array(Fw);
    this.zi = new Float64Array(Fw);
    this.cr = new Float64Array(Fh);
    this.ci = new Float64Array(Fh);
  }

  alloc(): Spectrum {
    return { re: new Float64Array(this.Fh * this.Wh), im: new Float64Array(this.Fh * this.Wh) };
  }

  /**
   * Spectrum of the Fh×Fw plane holding the h×w block src[off + r·w + c] at rows top… and
   * columns left…, zeros elsewhere. Two real rows go through one complex FFT (a + i·b) and are
   * separated by Hermitian symmetry.
   */
  forward(src: TypedArray, off: number, h: number, w: number, top: number, left: number, out: Spectrum): void {
    const { Fh, Fw, Wh, zr, zi } = this;
    out.re.fill(0);
    out.im.fill(0);
    for (let r = 0; r < Fh; r += 2) {
      const ra = r - top;
      const rb = r + 1 - top;
      const hasA = ra >= 0 && ra < h;
      const hasB = rb >= 0 && rb < h;
      if (!hasA && !hasB) continue;
      zr.fill(0);
      zi.fill(0);
      for (let c = 0; c < w; c++) {
        if (hasA) zr[left + c] = src[off + ra * w + c];
        if (hasB) zi[left + c] = src[off + rb * w + c];
      }
      fft(zr, zi, this.rowPlan, false);
      for (let k = 0; k < Wh; k++) {
        const nk = (Fw - k) % Fw;
        out.re[r * Wh + k] = (zr[k] + zr[nk]) / 2;
        out.im[r * Wh + k] = (zi[k] - zi[nk]) / 2;
        out.re[(r + 1) * Wh + k] = (zi[k] + zi[nk]) / 2;
        out.im[(r + 1) * Wh + k] = -(zr[k] - zr[nk]) / 2;
      }
    }
    this.columns(out, false);
  }

  /**
   * Inverse of `forward` (destroys `spec`): writes plane rows top…top+h−1, columns
   * left…left+w−1 into dst[off + r·w + c] (added when accumulate).
   */
  inverse(spec: Spectrum, dst: TypedArray, off: number, h: number, w: number, top: number, left: number): void {
    const { Fh, Fw, Wh, zr, zi } = this;
    this.columns(spec, true);
    const scale = 1 / (Fh * Fw);
    for (let r = 0; r < Fh; r += 2) {
      const ra = r - top;
      const rb = r + 1 - top;
      const hasA = ra >= 0 && ra < h;
      const hasB = rb >= 0 && rb < h;
      if (!hasA && !hasB) continue;
      // Z = A + i·B, with A, B extended to the full row by Hermitian symmetry.
      for (let k = 0; k < Fw; k++) {
        const mirror = k >= Wh;
        const kk = mirror ? Fw - k : k;
        const s = mirror ? -1 : 1;
        const ar = spec.re[r * Wh + kk], ai = s * spec.im[r * Wh + kk];
        const br = spec.re[(r + 1) * Wh + kk], bi = s * spec.im[(r + 1) * Wh + kk];
        zr[k] = ar - bi;
        zi[k] = ai + br;
      }
      fft(zr, zi, this.rowPlan, true);
      for (let c = 0; c < w; c++) {
        if (hasA) dst[off + ra * w + c] = zr[left + c] * scale;
        if (hasB) dst[off + rb * w + c] = zi[left + c] * scale;
      }
    }
  }

  private columns(spec: Spectrum, inverse: boolean): void {
    const { Fh, Wh, cr, ci } = this;
    for (let k = 0; k < Wh; k++) {
      for (let r = 0; r < Fh; r++) {
        cr[r] = spec.re[r * Wh + k];
        ci[r] = spec.im[r * Wh + k];
      }
      fft(cr, ci, this.colPlan, inverse);
      for (let r = 0; r < Fh; r++) {
        spec.re[r * Wh + k] = cr[r];
        spec.im[r * Wh + k] = ci[r];
      }
    }
  }
}

/** acc += a · b (or a · conj(b)) elementwise. */
function mac(acc: Spectrum, a: Spectrum, b: Spectrum, conjB: boolean): void {
  const s = conjB ? -1 : 1;
  const { re, im } = acc;
  for (let i = 0; i < re.length; i++) {
    const ar = a.re[i], ai = a.im[i], br = b.re[i], bi = s * b.im[i];
    re[i] += ar * br - ai * bi;
    im[i] += ar * bi + ai * br;
  }
}

// ---- the three kernels ------------------------------------------------------------------------

/** Heights/widths as 2-D (1-D convolutions get height 1) and the transform sizes. */
function planes(d: ConvDims) {
  const two = (v: readonly number[]) => (v.length === 1 ? [1, v[0]] : [v[0], v[1]]);
  const [H, W] = two(d.inSpatial);
  const [P, Q] = two(d.geom.outSize);
  const [R, S] = two(d.geom.kernel);
  const [pt, pl] = two(d.geom.padding).map((p, i) => (d.inSpatial.length === 1 && i === 0 ? 0 : p));
  // Every output reads padded rows 0 … P+R−2: a transform that long never wraps onto them.
  const t = new Fft2(fftSize(P + R - 1), fftSize(Q + S - 1));
  return { H, W, P, Q, R, S, pt, pl, t };
}

/** Spectra of `count` planes of h×w at data[offset + i·h·w], placed at (top, left). */
function spectra(t: Fft2, data: TypedArray, offset: number, count: number, h: number, w: number, top: number, left: number): Spectrum[] {
  const out: Spectrum[] = [];
  for (let i = 0; i < count; i++) {
    const s = t.alloc();
    t.forward(data, offset + i * h * w, h, w, top, left, s);
    out.push(s);
  }
  return out;
}

export function fftConv(x: View, w: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const d = convDims(x.shape[0], x.shape[1], w.shape[0], x.shape.slice(2), geom);
  const { H, W, P, Q, R, S, pt, pl, t } = planes(d);
  const y = allocArray(outDtype, d.N * d.M * P * Q);
  const acc = t.alloc();
  for (let g = 0; g < d.G; g++) {
    const xs = Array.from({ length: d.N }, (_, n) => spectra(t, x.data, x.offset + (n * d.C + g * d.Cg) * H * W, d.Cg, H, W, pt, pl));
    for (let m = g * d.Mg; m < (g + 1) * d.Mg; m++) {
      const ws = spectra(t, w.data, w.offset + m * d.Cg * R * S, d.Cg, R, S, 0, 0);
      for (let n = 0; n < d.N; n++) {
        acc.re.fill(0);
        acc.im.fill(0);
        for (let c = 0; c < d.Cg; c++) mac(acc, xs[n][c], ws[c], true);
        t.inverse(acc, y, (n * d.M + m) * P * Q, P, Q, 0, 0);
      }
    }
  }
  return y;
}

export function fftInputGrad(g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, outDtype: DType): TypedArray {
  const C = w.shape[1] * geom.groups;
  const d = convDims(g.shape[0], C, g.shape[1], inSpatial, geom);
  const { H, W, P, Q, R, S, pt, pl, t } = planes(d);
  const dx = allocArray(outDtype, d.N * C * H * W);
  const acc = t.alloc();
  for (let grp = 0; grp < d.G; grp++) {
    const gs = Array.from({ length: d.N }, (_, n) => spectra(t, g.data, g.offset + (n * d.M + grp * d.Mg) * P * Q, d.Mg, P, Q, 0, 0));
    for (let c = 0; c < d.Cg; c++) {
      // W[m, c] for every m of the group: the filters are [M, C/G, R, S], so stride Cg·R·S.
      const ws = Array.from({ length: d.Mg }, (_, m) => spectra(t, w.data, w.offset + ((grp * d.Mg + m) * d.Cg + c) * R * S, 1, R, S, 0, 0)[0]);
      for (let n = 0; n < d.N; n++) {
        acc.re.fill(0);
        acc.im.fill(0);
        for (let m = 0; m < d.Mg; m++) mac(acc, gs[n][m], ws[m], false);
        t.inverse(acc, dx, (n * C + grp * d.Cg + c) * H * W, H, W, pt, pl);
      }
    }
  }
  return dx;
}

export function fftWeightGrad(x: View, g: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  const M = g.shape[1];
  const d = convDims(x.shape[0], x.shape[1], M, x.shape.slice(2), geom);
  const { H, W, P, Q, R, S, pt, pl, t } = planes(d);
  const dw = allocArray(outDtype, M * d.Cg * R * S);
  const acc = t.alloc();
  for (let grp = 0; grp < d.G; grp++) {
    const xs = Array.from({ length: d.N }, (_, n) => spectra(t, x.data, x.offset + (n * d.C + grp * d.Cg) * H * W, d.Cg, H, W, pt, pl));
    const gs = Array.from({ length: d.N }, (_, n) => spectra(t, g.data, g.offset + (n * M + grp * d.Mg) * P * Q, d.Mg, P, Q, 0, 0));
    for (let m = 0; m < d.Mg; m++) {
      for (let c = 0; c < d.Cg; c++) {
        acc.re.fill(0);
        acc.im.fill(0);
        for (let n = 0; n < d.N; n++) mac(acc, xs[n][c], gs[n][m], true);
        t.inverse(acc, dw, ((grp * d.Mg + m) * d.Cg + c) * R * S, R, S, 0, 0);
      }
    }
  }
  return dw;
}
