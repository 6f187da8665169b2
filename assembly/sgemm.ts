/**
 * Single-precision batched GEMM for WebAssembly SIMD128, written in AssemblyScript and compiled
 * by scripts/build-wasm.mjs into src/backend/wasm/kernels.generated.ts.
 *
 * Contract of `sgemm`: C[t] = A[t] · B[t] (or C[t] += A[t] · B[t] when `accumulate` is set) for
 * t < batch, where A[t] is M×K and B[t] is K×N, read through arbitrary element strides (0
 * broadcasts, negative is allowed) from linear memory, and C is contiguous [batch, M, N] at `c`
 * (without `accumulate` every element is overwritten; K must be ≥ 1).
 * `work` points at `workBytes()` bytes of scratch space. Nothing is allocated here: the caller
 * owns the memory layout and grows the memory.
 *
 * Algorithm (Goto/BLIS): for each NC-wide column block and KC-deep slice, B is packed into
 * NR-column panels ([k][NR], zero-padded); for each MC-high row block, A is packed into MR-row
 * panels ([k][MR], zero-padded); an MR×NR register-tiled micro-kernel then accumulates each C tile
 * in f32x4 registers (fused multiply-adds in the relaxed-SIMD build, see `madd`). Packing reads any
 * strides, with vector copies or 4×4 vector transposes whenever the panel's rows or columns
 * are contiguous, so transposed and broadcast operands cost little extra, and a packed block is
 * reused as long as its source (address, size) is unchanged — e.g. a weight broadcast over the
 * batch of an im2col convolution is packed once. `sgemmPanels` is the same product for a B that
 * its producer packed itself (the convolution's columns, written straight into panels).
 */

/** Rows of the micro-kernel tile (A values broadcast per k). */
const MR: i32 = 4;
/** Columns of the micro-kernel tile (two f32x4 per row). */
const NR: i32 = 8;
/** Depth of a packed slice: an MR×KC A panel plus a KC×NR B panel stay in L1. */
const KC: i32 = 256;
/** Rows of a packed A block (multiple of MR): MC×KC floats stay in L2. */
const MC: i32 = 128;
/** Columns of a packed B block (multiple of NR): bounds the scratch space. */
const NC: i32 = 1024;

const PACK_A_BYTES: i32 = MC * KC * 4;
const PACK_B_BYTES: i32 = KC * NC * 4;
const TILE_BYTES: i32 = MR * NR * 4;

/** First free byte after the module's static data (the caller lays out memory from here). */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch space that `sgemm` needs at `work`. */
export function workBytes(): i32 {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/**
 * Transposes a 4×4 block: the rows are the 4 floats at src, src + ss, src + 2ss, src + 3ss, and
 * row t of the result, stored at dst + t·ds, holds element t of every source row. Strides are in
 * bytes and may be negative (wrapping address arithmetic).
 */
@inline function transpose4(src: usize, ss: usize, dst: usize, ds: usize): void {
  const v0 = v128.load(src), v1 = v128.load(src + ss), v2 = v128.load(src + 2 * ss), v3 = v128.load(src + 3 * ss);
  const t0 = f32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = f32x4.shuffle(v2, v3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(v0, v1, 2, 6, 3, 7), t3 = f32x4.shuffle(v2, v3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + ds, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * ds, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * ds, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs an mc×kc block of A (element (i, k) at byte src + 4·(i·rs + k·cs)) into MR-row panels
 * laid out [panel][k][MR]; rows past mc are zero.
 */
function packA(mc: i32, kc: i32, src: i32, rs: i32, cs: i32, dst: usize): void {
  const rs4 = rs << 2, cs4 = cs << 2;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = min(MR, mc - i0);
    const row0 = src + i0 * rs4;
    if (mr == MR && rs == 1) {
      // A column-major (e.g. a transposed view): the MR values of one k are adjacent.
      let p = row0;
      for (let k = 0; k < kc; k++) {
        v128.store(dst + (<usize>k << 4), v128.load(<usize>p));
        p += cs4;
      }
    } else if (mr == MR && cs == 1) {
      // A row-major: 4×4 blocks (MR rows × 4 k) transposed into the panel.
      let k = 0;
      for (; k + 4 <= kc; k += 4) transpose4(<usize>(row0 + (k << 2)), <usize>rs4, dst + (<usize>k << 4), 16);
      for (; k < kc; k++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>k << 4) + (<usize>r << 2), load<f32>(<usize>(row0 + r * rs4 + (k << 2))));
      }
    } else {
      // Edge panels and other strides: row by row (a row-major A is read sequentially).
      for (let r = 0; r < MR; r++) {
        const d = dst + (<usize>r << 2);
        if (r < mr) {
          let p = row0 + r * rs4;
          for (let k = 0; k < kc; k++) {
            store<f32>(d + (<usize>k << 4), load<f32>(<usize>p));
            p += cs4;
          }
        } else {
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>k << 4), 0);
        }
      }
    }
    dst += <usize>(kc * MR * 4);
  }
}

/**
 * Packs a kc×nc block of B (element (k, j) at byte src + 4·(k·rs + j·cs)) into NR-column panels
 * laid out [panel][k][NR]; columns past nc are zero.
 */
function packB(kc: i32, nc: i32, src: i32, rs: i32, cs: i32, dst: usize): void {
  const rs4 = rs << 2, cs4 = cs << 2;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    const col0 = src + j0 * cs4;
    if (nr == NR && cs == 1) {
      // B row-major: a panel row is two vector copies.
      let p = col0;
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 5);
        v128.store(d, v128.load(<usize>p));
        v128.store(d, v128.load(<usize>p, 16), 16);
        p += rs4;
      }
    } else if (nr == NR && rs == 1) {
      // B column-major (a transposed view): two 4×4 blocks (4 columns × 4 k) per 4 panel rows.
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const d = dst + (<usize>k << 5);
        transpose4(<usize>(col0 + (k << 2)), <usize>cs4, d, 32);
        transpose4(<usize>(col0 + 4 * cs4 + (k << 2)), <usize>cs4, d + 16, 32);
      }
      for (; k < kc; k++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>k << 5) + (<usize>j << 2), load<f32>(<usize>(col0 + j * cs4 + (k << 2))));
      }
    } else {
      // Edge panels and other strides: column by column (a column-major B is read sequentially).
      for (let j = 0; j < NR; j++) {
        const d = dst + (<usize>j << 2);
        if (j < nr) {
          let p = col0 + j * cs4;
          for (let k = 0; k < kc; k++) {
            store<f32>(d + (<usize>k << 5), load<f32>(<usize>p));
            p += rs4;
          }
        } else {
          for (let k = 0; k < kc; k++) store<f32>(d + (<usize>k << 5), 0);
        }
      }
    }
    dst += <usize>(kc * NR * 4);
  }
}

/** a·b + c per lane: one fused multiply-add in the relaxed-SIMD build, else a multiply then an add. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * The MR×NR micro-kernel: C tile (row stride ldc bytes) = [C +] Σ_k a[k][0..MR) ⊗ b[k][0..NR)
 * over packed panels. The 8 accumulators, 2 B vectors and 1 broadcast A value fit in the 16
 * vector registers of x86-64, so the k loop runs without spills.
 */
function kernel(kc: i32, a: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = c00;
  let c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    a += MR * 4;
    b += NR * 4;
  }
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1));
    c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2));
    c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3));
    c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c2, c20);
  v128.store(c2, c21, 16);
  v128.store(c3, c30);
  v128.store(c3, c31, 16);
}

/** Writes the top-left mr×nr corner of a packed tile into C (row stride n elements). */
function storeEdge(tile: usize, c: usize, n: i32, mr: i32, nr: i32, accumulate: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = tile + <usize>(r * NR * 4);
    const dst = c + <usize>(r * n * 4);
    for (let j = 0; j < nr; j++) {
      const o = <usize>(j << 2);
      const v = load<f32>(src + o);
      store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
    }
  }
}

/** What the packed-A buffer holds: source address and block size (reset by every exported call). */
let aKey = -1, aKc = 0, aMc = 0;

/**
 * C block [M, nc] (row stride ldc bytes, at c) (+)= A[:, pc..pc+kc) · the packed B panels at
 * `panels` ([nc / NR][kc][NR]): packs A per MC-row block unless the packed buffer already holds it.
 */
@inline function multiplyPanels(
  M: i32, nc: i32, kc: i32, aT: i32, sa1: i32, sa2: i32, pc: i32, panels: usize, c: usize, ldc: usize, add: bool, work: usize,
): void {
  const pa = work;
  const tile = pa + <usize>(PACK_A_BYTES + PACK_B_BYTES);
  for (let ic = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    const aSrc = aT + ((ic * sa1 + pc * sa2) << 2);
    if (aSrc != aKey || kc != aKc || mc != aMc) {
      packA(mc, kc, aSrc, sa1, sa2, pa);
      aKey = aSrc; aKc = kc; aMc = mc;
    }
    for (let jr = 0; jr < nc; jr += NR) {
      const nr = min(NR, nc - jr);
      const bPanel = panels + <usize>(jr * kc * 4);
      for (let ir = 0; ir < mc; ir += MR) {
        const mr = min(MR, mc - ir);
        const aPanel = pa + <usize>(ir * kc * 4);
        const cTile = c + <usize>(ic + ir) * ldc + (<usize>jr << 2);
        if (mr == MR && nr == NR) {
          kernel(kc, aPanel, bPanel, cTile, ldc, add);
        } else {
          kernel(kc, aPanel, bPanel, tile, NR * 4, false);
          storeEdge(tile, cTile, <i32>(ldc >> 2), mr, nr, add);
        }
      }
    }
  }
}

/** C[t] (+)= A[t]·B[t] (see the file comment for the contract). Strides are in elements. */
export function sgemm(
  batch: i32, M: i32, N: i32, K: i32,
  a: usize, sa0: i32, sa1: i32, sa2: i32,
  b: usize, sb0: i32, sb1: i32, sb2: i32,
  c: usize, work: usize, accumulate: bool,
): void {
  const pb = work + <usize>PACK_A_BYTES;
  aKey = -1;
  // Source address and size of what the packed B buffer holds (strides are fixed per call).
  let bKey = -1, bKc = 0, bNc = 0;
  const ldc = <usize>N << 2;
  for (let t = 0; t < batch; t++) {
    const aT = <i32>a + t * (sa0 << 2);
    const bT = <i32>b + t * (sb0 << 2);
    const cT = c + <usize>t * <usize>M * ldc;
    for (let jc = 0; jc < N; jc += NC) {
      const nc = min(NC, N - jc);
      for (let pc = 0; pc < K; pc += KC) {
        const kc = min(KC, K - pc);
        const bSrc = bT + ((pc * sb1 + jc * sb2) << 2);
        if (bSrc != bKey || kc != bKc || nc != bNc) {
          packB(kc, nc, bSrc, sb1, sb2, pb);
          bKey = bSrc; bKc = kc; bNc = nc;
        }
        multiplyPanels(M, nc, kc, aT, sa1, sa2, pc, pb, cT + (<usize>jc << 2), ldc, accumulate || pc > 0, work);
      }
    }
  }
}

/** The deepest B that `sgemmPanels` takes (KC): one packed slice. */
export function panelDepth(): i32 {
  return KC;
}

/**
 * C [M, N] (row stride ldc elements) (+)= A · B for K ≤ KC, with B already packed (by
 * assembly/conv.ts `packPanels`) as ⌈N / NR⌉ panels [k][NR] (lanes past N unspecified). A is read
 * through element strides as in `sgemm`; the arithmetic is exactly `sgemm`'s.
 */
export function sgemmPanels(
  M: i32, N: i32, K: i32, a: usize, sa1: i32, sa2: i32, panels: usize, c: usize, ldc: i32, work: usize, accumulate: bool,
): void {
  aKey = -1;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    multiplyPanels(M, nc, K, <i32>a, sa1, sa2, 0, panels + <usize>(jc * K * 4), c + (<usize>jc << 2), <usize>ldc << 2, accumulate, work);
  }
}
