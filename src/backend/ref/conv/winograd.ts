/**
 * Winograd minimal filtering for 2-D 3×3 convolutions, stride 1, dilation 1, any padding and
 * groups. F(m×m, 3×3) computes an m×m output tile from an (m+2)×(m+2) input tile d as
 * Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A: (m+2)² multiplies instead of 9m². Summed over input channels,
 * the elementwise products become (m+2)² independent GEMMs U[ξ] [M, C] · V[ξ] [C, tiles], which
 * go through the kernel table's `matmul` (see `gemmKernels`).
 *
 * - F(2×2, 3×3): the course's Bᵀ, G, Aᵀ (interpolation points 0, 1, −1, ∞): 16 multiplies per
 *   tile instead of 36.
 * - F(4×4, 3×3): Lavin & Gray's matrices on the points 0, ±1, ±2, ∞ — small points keep the
 *   transform's entries (and so the float32 rounding error) small: 36 multiplies per tile
 *   instead of 144. Used when both output sides are ≥ 8 (smaller outputs waste too much of the
 *   larger tiles on padding).
 *
 * The input gradient is itself a stride-1 3×3 correlation: of g with the flipped, in/out
 * transposed kernel, with padding 2 − p (a negative padding just skips input rows), so it runs
 * through the same Winograd core. The weight gradient is a correlation whose "kernel" is the
 * whole output plane, which no fixed small tile covers: it uses im2col + GEMM.
 *
 * Filter transforms U are cached per weight storage (WeakMap, so they die with the weights)
 * together with a copy of the weight values they were computed from. A cached U is reused only
 * when the weights are bitwise unchanged: comparing 9 values per filter is ~20× cheaper than
 * re-transforming it, and it catches every in-place update (optimizer steps, load_state_dict)
 * without needing a version counter on the storage.
 */
import type { ConvGeometry, View } from "../../backend.js";
import {
  allocArray, batchView, gemmKernels, requireApplicable, type DType, type TypedArray,
} from "./common.js";
import { im2colWeightGrad } from "./im2col.js";

/** One F(m×m, 3×3) variant: Bᵀ [α×α], G [α×3], Aᵀ [m×α] with α = m + 2. */
interface WinogradTransforms {
  readonly m: number;
  readonly alpha: number;
  readonly BT: readonly number[];
  readonly G: readonly number[];
  readonly AT: readonly number[];
}

/** The course's F(2, 3) (COURSE.md), nested to 2-D. */
export const F2x2_3x3: WinogradTransforms = {
  m: 2,
  alpha: 4,
  BT: [1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1],
  G: [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1],
  AT: [1, 1, 1, 0, 0, 1, -1, -1],
};

/** Lavin & Gray (2016), F(4, 3) on the points 0, 1, −1, 2, −2, ∞. */
export const F4x4_3x3: WinogradTransforms = {
  m: 4,
  alpha: 6,
  BT: [
    4, 0, -5, 0, 1, 0,
    0, -4, -4, 1, 1, 0,
    0, 4, -4, -1, 1, 0,
    0, -2, -1, 2, 1, 0,
    0, 2, -1, -2, 1, 0,
    0, 4, 0, -5, 0, 1,
  ],
  G: [
    1 / 4, 0, 0,
    -1 / 6, -1 / 6, -1 / 6,
    -1 / 6, 1 / 6, -1 / 6,
    1 / 24, 1 / 12, 1 / 6,
    1 / 24, -1 / 12, 1 / 6,
    0, 0, 1,
  ],
  AT: [
    1, 1, 1, 1, 1, 0,
    0, 1, -1, 2, -2, 0,
    0, 1, 1, 4, 4, 0,
    0, 1, -1, 8, -8, 1,
  ],
};

/** The tile used for an output of size P×Q: F(4×4) when both sides are ≥ 8, else F(2×2). */
export function winogradTile(outSize: readonly number[]): WinogradTransforms {
  return outSize[0] >= 8 && outSize[1] >= 8 ? F4x4_3x3 : F2x2_3x3;
}

/** out [r×r] = T [r×c] · S [c×c] · Tᵀ (the shape of all three Winograd transforms). */
function sandwich(T: readonly number[], r: number, c: number, S: Float64Array, tmp: Float64Array, out: Float64Array): void {
  // tmp [r×c] = T·S
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let a = 0;
      for (let k = 0; k < c; k++) a += T[i * c + k] * S[k * c + j];
      tmp[i * c + j] = a;
    }
  }
  // out [r×r] = tmp·Tᵀ
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let a = 0;
      for (let k = 0; k < c; k++) a += tmp[i * c + k] * T[j * c + k];
      out[i * r + j] = a;
    }
  }
}

// ---- filter transforms and their cache -------------------------------------------------------

interface CacheEntry {
  readonly snapshot: TypedArray;
  readonly U: TypedArray;
}

const filterCache = new WeakMap<TypedArray, Map<string, CacheEntry>>();

/** Cache hits and misses since start (tests check the invalidation rule with them). */
export const winogradCacheStats = { hits: 0, misses: 0 };

/**
 * U [G, α², outG, inG] for the weight w [M, C/G, 3, 3]. `transposed`: the filters of the input
 * gradient, U'[ξ][c][m] from w[m, c] flipped 180° (outG = C/G, inG = M/G).
 */
function filterTransforms(w: View, G: number, t: WinogradTransforms, transposed: boolean, dtype: DType): TypedArray {
  const [M, Cg] = w.shape;
  const size = M * Cg * 9;
  const key = `${w.offset}:${M}x${Cg}:${G}:${t.m}:${transposed ? "T" : "N"}:${dtype}`;
  let perStorage = filterCache.get(w.data);
  const hit = perStorage?.get(key);
  if (hit && sameValues(hit.snapshot, w.data, w.offset, size)) {
    winogradCacheStats.hits++;
    return hit.U;
  }
  winogradCacheStats.misses++;
  const a2 = t.alpha * t.alpha;
  const Mg = M / G;
  const [outG, inG] = transposed ? [Cg, Mg] : [Mg, Cg];
  const U = allocArray(dtype, G * a2 * outG * inG);
  const g = new Float64Array(9);
  const tmp = new Float64Array(t.alpha * 3);
  const u = new Float64Array(a2);
  for (let m = 0; m < M; m++) {
    const grp = Math.floor(m / Mg);
    for (let c = 0; c < Cg; c++) {
      const base = w.offset + (m * Cg + c) * 9;
      for (let i = 0; i < 9; i++) g[i] = w.data[base + (transposed ? 8 - i : i)];
      sandwich(t.G, t.alpha, 3, g, tmp, u);
      const [o, i] = transposed ? [c, m - grp * Mg] : [m - grp * Mg, c];
      for (let xi = 0; xi < a2; xi++) U[((grp * a2 + xi) * outG + o) * inG + i] = u[xi];
    }
  }
  const snapshot = w.data.slice(w.offset, w.offset + size) as TypedArray;
  if (!perStorage) {
    perStorage = new Map();
    filterCache.set(w.data, perStorage);
  }
  perStorage.set(key, { snapshot, U });
  return U;
}

function sameValues(snapshot: TypedArray, data: TypedArray, offset: number, size: number): boolean {
  for (let i = 0; i < size; i++) if (!Object.is(snapshot[i], data[offset + i])) return false;
  return true;
}

// ---- the core: a stride-1 3×3 correlation with precomputed filter transforms --------------------

/**
 * y [N, outCh, P, Q] = x [N, inCh, H, W] ⋆ (filters whose transforms are U), with top/left
 * padding (pt, pl) — possibly negative — and zeros read outside x.
 */
function winogradCore(
  self: unknown, x: View, inCh: number, H: number, W: number, U: TypedArray, outCh: number, G: number,
  P: number, Q: number, pt: number, pl: number, t: WinogradTransforms, dtype: DType,
): TypedArray {
  const k = gemmKernels(self);
  const N = x.shape[0];
  const { m, alpha } = t;
  const a2 = alpha * alpha;
  const inG = inCh / G;
  const outG = outCh / G;
  const tH = Math.ceil(P / m);
  const tW = Math.ceil(Q / m);
  const T = N * tH * tW;
  const y = allocArray(dtype, N * outCh * P * Q);
  const V = allocArray(dtype, a2 * inG * T);
  const d = new Float64Array(a2);
  const tmp = new Float64Array(alpha * alpha);
  const v = new Float64Array(a2);
  const mt = new Float64Array(a2);
  const yt = new Float64Array(m * m);
  const xd = x.data;
  for (let grp = 0; grp < G; grp++) {
    // V[ξ, c, tile] = (Bᵀ d B)[ξ] for every input tile d of every image.
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < inG; c++) {
        const plane = x.offset + (n * inCh + grp * inG + c) * H * W;
        for (let th = 0; th < tH; th++) {
          for (let tw = 0; tw < tW; tw++) {
            const r0 = th * m - pt;
            const c0 = tw * m - pl;
            for (let i = 0; i < alpha; i++) {
              const r = r0 + i;
              const rowOk = r >= 0 && r < H;
              for (let j = 0; j < alpha; j++) {
                const cc = c0 + j;
                d[i * alpha + j] = rowOk && cc >= 0 && cc < W ? xd[plane + r * W + cc] : 0;
              }
            }
            sandwich(t.BT, alpha, alpha, d, tmp, v);
            const tile = (n * tH + th) * tW + tw;
            for (let xi = 0; xi < a2; xi++) V[(xi * inG + c) * T + tile] = v[xi];
          }
        }
      }
    }
    // M[ξ] = U[ξ] · V[ξ]: α² GEMMs [outG × inG] · [inG × T].
    const prod = k.matmul(batchView(U, grp * a2 * outG * inG, a2, outG, inG), batchView(V, 0, a2, inG, T), dtype);
    // Y = Aᵀ M A per output channel and tile; keep the part inside P×Q.
    for (let o = 0; o < outG; o++) {
      for (let tile = 0; tile < T; tile++) {
        for (let xi = 0; xi < a2; xi++) mt[xi] = prod[(xi * outG + o) * T + tile];
        sandwich(t.AT, m, alpha, mt, tmp, yt);
        const n = Math.floor(tile / (tH * tW));
        const th = Math.floor(tile / tW) % tH;
        const tw = tile % tW;
        const plane = (n * outCh + grp * outG + o) * P * Q;
        for (let i = 0; i < m && th * m + i < P; i++) {
          for (let j = 0; j < m && tw * m + j < Q; j++) y[plane + (th * m + i) * Q + tw * m + j] = yt[i * m + j];
        }
      }
    }
  }
  return y;
}

// ---- the three kernels ------------------------------------------------------------------------

export function winogradConv(this: unknown, x: View, w: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const [, C, H, W] = x.shape;
  const [P, Q] = geom.outSize;
  const t = winogradTile(geom.outSize);
  const U = filterTransforms(w, geom.groups, t, false, outDtype);
  return winogradCore(this, x, C, H, W, U, w.shape[0], geom.groups, P, Q, geom.padding[0], geom.padding[1], t, outDtype);
}

export function winogradInputGrad(this: unknown, g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const [, M, P, Q] = g.shape;
  const [H, W] = inSpatial;
  const C = w.shape[1] * geom.groups;
  const t = winogradTile(inSpatial);
  const U = filterTransforms(w, geom.groups, t, true, outDtype);
  // dx[i] = Σ_r g[i + p − r]·w[r] = Σ_r' g[i − (2 − p) + r']·w[2 − r']: padding 2 − p.
  return winogradCore(this, g, M, P, Q, U, C, geom.groups, H, W, 2 - geom.padding[0], 2 - geom.padding[1], t, outDtype);
}

export function winogradWeightGrad(this: unknown, x: View, g: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  return im2colWeightGrad.call(this, x, g, geom, outDtype);
}

/** Computes with an explicit tile (tests compare both variants against the direct oracle). */
export function winogradConvWithTile(x: View, w: View, geom: ConvGeometry, tile: 2 | 4, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const t = tile === 2 ? F2x2_3x3 : F4x4_3x3;
  const U = filterTransforms(w, geom.groups, t, false, outDtype);
  return winogradCore(undefined, x, x.shape[1], x.shape[2], x.shape[3], U, w.shape[0], geom.groups, geom.outSize[0], geom.outSize[1], geom.padding[0], geom.padding[1], t, outDtype);
}
