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
 * through the same Winograd core.
 *
 * The weight gradient dW[o, c, r, s] = Σₙ Σ_{p,q} g[n, o, p, q]·x_pad[n, c, p + r, q + s] is, per m×m
 * tile e of g, a 3×3 correlation of the (m+2)×(m+2) input tile d under e: F(3×3, m×m). By the
 * transposition principle its matrices come from F(m×m, 3×3)'s (same points): F(m,3) is the
 * identity Σ_ξ (Bᵀd)_ξ (G w)_ξ (A e)_ξ = Σ_{k,j} e_k d_{k+j} w_j, and reading off the coefficient
 * of w_j gives dW = Gᵀ[(Bᵀ d B) ⊙ (A e Aᵀ)]G: input transform Bᵀ (shared with the forward pass),
 * gradient transform A = (Aᵀ)ᵀ [α×m], output transform Gᵀ [3×α]. Still α² multiplies per tile.
 * The products are summed over tiles and images in the transformed domain — α² GEMMs
 * [M/G, tiles]·[tiles, C/G] per group — and transformed back once per filter.
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

/** One F(m×m, 3×3) variant: Bᵀ [α×α], G [α×3], Aᵀ [m×α] with α = m + 2 (row-major). */
export interface WinogradTransforms {
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

/** M [rows×cols] transposed, row-major [cols×rows]. */
function transpose(M: readonly number[], rows: number, cols: number): number[] {
  return Array.from({ length: rows * cols }, (_, i) => M[(i % rows) * cols + Math.floor(i / rows)]);
}

/**
 * F(3×3, m×m) for the weight gradient, from F(m×m, 3×3) by the transposition principle:
 * dW = Gᵀ[(Bᵀ d B) ⊙ (A e Aᵀ)]G for an α×α input tile d and an m×m gradient tile e.
 * BT [α×α] (the forward's), A [α×m], GT [3×α].
 */
export interface WeightGradTransforms {
  readonly m: number;
  readonly alpha: number;
  readonly BT: readonly number[];
  readonly A: readonly number[];
  readonly GT: readonly number[];
}

/** The weight-gradient matrices of a forward variant (exported so tests can check the 1-D identity). */
export function weightGradTransforms(t: WinogradTransforms): WeightGradTransforms {
  return { m: t.m, alpha: t.alpha, BT: t.BT, A: transpose(t.AT, t.m, t.alpha), GT: transpose(t.G, t.alpha, 3) };
}

const weightGradVariants = new Map([F2x2_3x3, F4x4_3x3].map((t) => [t, weightGradTransforms(t)]));

/** out [r×r] = T [r×c] · S [c×c] · Tᵀ (the shape of every Winograd transform). */
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

// ---- tiles and their transforms (shared by the forward, input-gradient and weight-gradient paths) --

/** The m×m tiles covering an output plane P×Q (partial edge tiles included), for N images. */
interface TileGrid {
  readonly N: number;
  readonly m: number;
  readonly tH: number;
  readonly tW: number;
  /** N·tH·tW; tile (n, th, tw) has index (n·tH + th)·tW + tw. */
  readonly count: number;
}

function tileGrid(N: number, P: number, Q: number, m: number): TileGrid {
  const tH = Math.ceil(P / m);
  const tW = Math.ceil(Q / m);
  return { N, m, tH, tW, count: N * tH * tW };
}

/** Where transformTiles writes element (ξ, channel, tile): ξ·xi + channel·ch + tile·tile. */
interface Layout {
  readonly xi: number;
  readonly ch: number;
  readonly tile: number;
}

/**
 * For channels ch0 … ch0+count−1 of src [N, chTotal, H, W] (dense) and every tile of `grid`:
 * reads the k×k block starting at (th·m − pt, tw·m − pl) — zeros outside the plane, which
 * covers padding and partial edge tiles — and writes T·d·Tᵀ (T is [α×k]) to `out` at `layout`.
 */
function transformTiles(
  src: View, ch0: number, count: number, k: number, T: readonly number[], alpha: number,
  grid: TileGrid, pt: number, pl: number, out: TypedArray, layout: Layout,
): void {
  const [, chTotal, H, W] = src.shape;
  const { m, tH, tW } = grid;
  const a2 = alpha * alpha;
  const d = new Float64Array(k * k);
  const tmp = new Float64Array(alpha * k);
  const v = new Float64Array(a2);
  const sd = src.data;
  for (let n = 0; n < grid.N; n++) {
    for (let c = 0; c < count; c++) {
      const plane = src.offset + (n * chTotal + ch0 + c) * H * W;
      for (let th = 0; th < tH; th++) {
        for (let tw = 0; tw < tW; tw++) {
          const r0 = th * m - pt;
          const c0 = tw * m - pl;
          for (let i = 0; i < k; i++) {
            const r = r0 + i;
            const rowOk = r >= 0 && r < H;
            for (let j = 0; j < k; j++) {
              const cc = c0 + j;
              d[i * k + j] = rowOk && cc >= 0 && cc < W ? sd[plane + r * W + cc] : 0;
            }
          }
          sandwich(T, alpha, k, d, tmp, v);
          const base = c * layout.ch + ((n * tH + th) * tW + tw) * layout.tile;
          for (let xi = 0; xi < a2; xi++) out[base + xi * layout.xi] = v[xi];
        }
      }
    }
  }
}

// ---- the core: a stride-1 3×3 correlation with precomputed filter transforms --------------------

/**
 * y [N, outCh, P, Q] = x [N, inCh, H, W] ⋆ (filters whose transforms are U), with top/left
 * padding (pt, pl) — possibly negative — and zeros read outside x.
 */
function winogradCore(
  self: unknown, x: View, U: TypedArray, outCh: number, G: number,
  P: number, Q: number, pt: number, pl: number, t: WinogradTransforms, dtype: DType,
): TypedArray {
  const k = gemmKernels(self);
  const [N, inCh] = x.shape;
  const { m, alpha } = t;
  const a2 = alpha * alpha;
  const inG = inCh / G;
  const outG = outCh / G;
  const grid = tileGrid(N, P, Q, m);
  const { tH, tW, count: T } = grid;
  const y = allocArray(dtype, N * outCh * P * Q);
  const V = allocArray(dtype, a2 * inG * T);
  const tmp = new Float64Array(alpha * alpha);
  const mt = new Float64Array(a2);
  const yt = new Float64Array(m * m);
  for (let grp = 0; grp < G; grp++) {
    // V[ξ, c, tile] = (Bᵀ d B)[ξ] for every input tile d of every image.
    transformTiles(x, grp * inG, inG, alpha, t.BT, alpha, grid, pt, pl, V, { xi: inG * T, ch: T, tile: 1 });
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

// ---- the weight gradient: F(3×3, m×m), accumulated over tiles and images in the transformed domain --

/**
 * dW [M, C/G, 3, 3] = Σₙ g[n] ⋆ x_pad[n] per group, tiling g [N, M, P, Q] into m×m tiles
 * (partial edge tiles read zeros, so they add nothing beyond P×Q).
 */
function weightGradCore(self: unknown, x: View, g: View, geom: ConvGeometry, f: WinogradTransforms, dtype: DType): TypedArray {
  const k = gemmKernels(self);
  const t = weightGradVariants.get(f) ?? weightGradTransforms(f);
  const [N, C] = x.shape;
  const M = g.shape[1];
  const G = geom.groups;
  const Cg = C / G;
  const Mg = M / G;
  const { m, alpha } = t;
  const a2 = alpha * alpha;
  const grid = tileGrid(N, geom.outSize[0], geom.outSize[1], m);
  const T = grid.count;
  const V = allocArray(dtype, a2 * T * Cg); // [ξ, tile, c]: the GEMMs' right operand, dense
  const E = allocArray(dtype, a2 * Mg * T); // [ξ, m, tile]: their left operand
  const dw = allocArray(dtype, M * Cg * 9);
  const tmp = new Float64Array(alpha * alpha);
  const acc = new Float64Array(a2);
  const wt = new Float64Array(9);
  for (let grp = 0; grp < G; grp++) {
    // The input tiles under each gradient tile, exactly as the forward pass tiles them.
    transformTiles(x, grp * Cg, Cg, alpha, t.BT, alpha, grid, geom.padding[0], geom.padding[1], V, { xi: T * Cg, ch: 1, tile: Cg });
    transformTiles(g, grp * Mg, Mg, m, t.A, alpha, grid, 0, 0, E, { xi: Mg * T, ch: T, tile: 1 });
    // Σ over tiles (and images) of the products: α² GEMMs [Mg × T] · [T × Cg].
    const prod = k.matmul(batchView(E, 0, a2, Mg, T), batchView(V, 0, a2, T, Cg), dtype);
    for (let o = 0; o < Mg; o++) {
      for (let c = 0; c < Cg; c++) {
        for (let xi = 0; xi < a2; xi++) acc[xi] = prod[(xi * Mg + o) * Cg + c];
        sandwich(t.GT, 3, alpha, acc, tmp, wt);
        dw.set(wt, ((grp * Mg + o) * Cg + c) * 9);
      }
    }
  }
  return dw;
}

// ---- the three kernels ------------------------------------------------------------------------

export function winogradConv(this: unknown, x: View, w: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const [P, Q] = geom.outSize;
  const t = winogradTile(geom.outSize);
  const U = filterTransforms(w, geom.groups, t, false, outDtype);
  return winogradCore(this, x, U, w.shape[0], geom.groups, P, Q, geom.padding[0], geom.padding[1], t, outDtype);
}

export function winogradInputGrad(this: unknown, g: View, w: View, inSpatial: readonly number[], geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const [H, W] = inSpatial;
  const C = w.shape[1] * geom.groups;
  const t = winogradTile(inSpatial);
  const U = filterTransforms(w, geom.groups, t, true, outDtype);
  // dx[i] = Σ_r g[i + p − r]·w[r] = Σ_r' g[i − (2 − p) + r']·w[2 − r']: padding 2 − p.
  return winogradCore(this, g, U, C, geom.groups, H, W, 2 - geom.padding[0], 2 - geom.padding[1], t, outDtype);
}

/** The tile follows the output size, as in the forward pass (F(3×3, 4×4) when both sides are ≥ 8). */
export function winogradWeightGrad(this: unknown, x: View, g: View, geom: ConvGeometry, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  return weightGradCore(this, x, g, geom, winogradTile(geom.outSize), outDtype);
}

const tileVariant = (tile: 2 | 4): WinogradTransforms => (tile === 2 ? F2x2_3x3 : F4x4_3x3);

/** Computes with an explicit tile (tests compare both variants against the direct oracle). */
export function winogradConvWithTile(x: View, w: View, geom: ConvGeometry, tile: 2 | 4, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  const t = tileVariant(tile);
  const U = filterTransforms(w, geom.groups, t, false, outDtype);
  return winogradCore(undefined, x, U, w.shape[0], geom.groups, geom.outSize[0], geom.outSize[1], geom.padding[0], geom.padding[1], t, outDtype);
}

/** The weight gradient with an explicit tile: F(3×3, 2×2) or F(3×3, 4×4). */
export function winogradWeightGradWithTile(x: View, g: View, geom: ConvGeometry, tile: 2 | 4, outDtype: DType): TypedArray {
  requireApplicable("winograd", geom);
  return weightGradCore(undefined, x, g, geom, tileVariant(tile), outDtype);
}
