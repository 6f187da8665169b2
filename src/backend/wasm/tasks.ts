/**
 * The work that the wasm kernels split across threads. A task is one kernel call cut into
 * `parts` parts; part p runs on thread p (0 is the calling thread, the others are the thread
 * pool's workers, thread-pool.ts), each with its own instances of the kernel modules on the
 * shared memory and its own GEMM scratch at `work`. Arguments are plain numbers (byte addresses,
 * sizes), so the same array reaches every thread through the shared memory.
 *
 * Every task splits its work so that each output element is computed by exactly the same
 * sequence of floating-point operations whatever the number of parts: results are bit-identical
 * for any thread count, so a run is reproducible even if the pool grows while it trains.
 */
import type { KernelModules, Window2d } from "./loader.js";

/** Rows of the GEMM's register tile: row splits fall on tile boundaries. */
const MR = 4;

/** One part of a task. */
export type Task = (k: KernelModules, work: number, args: ArrayLike<number>, part: number, parts: number) => void;

/** [start, end) of part `part` of `parts` of n items, in whole multiples of `unit`. */
export function partRange(n: number, part: number, parts: number, unit = 1): [number, number] {
  const cut = (p: number) => Math.min(n, Math.round((n * p) / parts / unit) * unit);
  return [cut(part), part === parts - 1 ? n : cut(part + 1)];
}

/** args[at], …, args[at + n − 1] (args may be a longer view of the shared argument block). */
function take(args: ArrayLike<number>, n: number, at = 0): number[] {
  return Array.from({ length: n }, (_, i) => args[at + i]);
}

/**
 * GEMM arguments: [batch, m, n, k, a, sa0, sa1, sa2, b, sb0, sb1, sb2, c, accumulate] as for
 * `sgemm`. Splits the batch when there is one, else the rows of C.
 */
const gemm: Task = (k, work, args, part, parts) => {
  const [batch, m, n, depth, a, sa0, sa1, sa2, b, sb0, sb1, sb2, c, acc] = take(args, 14);
  if (batch > 1) {
    const [t0, t1] = partRange(batch, part, parts);
    if (t1 > t0) {
      k.sgemm.sgemm(t1 - t0, m, n, depth, a + 4 * t0 * sa0, sa0, sa1, sa2, b + 4 * t0 * sb0, sb0, sb1, sb2, c + 4 * t0 * m * n, work, acc !== 0);
    }
    return;
  }
  const [r0, r1] = partRange(m, part, parts, MR);
  if (r1 > r0) k.sgemm.sgemm(1, r1 - r0, n, depth, a + 4 * r0 * sa1, sa0, sa1, sa2, b, sb0, sb1, sb2, c + 4 * r0 * n, work, acc !== 0);
};

/** Width of the GEMM's packed panels (assembly/sgemm.ts `NR`). */
export const PANEL_WIDTH = 8;

/**
 * Output positions per block of packed columns: a block one GEMM slice deep (256 taps) is then
 * 1 MB, which stays in the L2 cache while the GEMM reads it.
 */
const PANEL_COLUMNS = 1024;

/** Floats of one block of packed columns for CgK taps and L output positions, in slices `depth` deep. */
export function panelBlockFloats(CgK: number, L: number, depth: number): number {
  return Math.min(CgK, depth) * Math.min(Math.ceil(L / PANEL_WIDTH) * PANEL_WIDTH, PANEL_COLUMNS);
}

/** Number of leading convolution arguments before the window (see `convArgs`). */
const CONV_HEAD = 16;

/**
 * Convolution arguments: [N, C, M, G, Mg, CgK, P, L, colsSize, panels, relu, x, w, y, cols, bias,
 * ...window]: sizes as in conv.ts, whether the forward pass unfolds into packed panels and
 * whether it applies ReLU, byte addresses of the two operands, the result, the column scratch
 * (one `colsSize`-float buffer per part; 0 when the image is its own columns) and the forward
 * pass's bias (0: none).
 */
function convArgs(args: ArrayLike<number>) {
  const [N, C, M, G, Mg, CgK, P, L, colsSize, panels, relu, x, w, y, cols, bias] = take(args, CONV_HEAD);
  return {
    N, C, M, G, Mg, CgK, P, L, colsSize, panels: panels !== 0, relu: relu !== 0, x, w, y, cols, bias,
    win: take(args, 12, CONV_HEAD) as Window2d,
  };
}

/** y = the forward convolution of image n (+ bias, then ReLU if asked), using the part's column scratch. */
function convImage(k: KernelModules, work: number, a: ReturnType<typeof convArgs>, n: number, myCols: number, y: number): void {
  const { C, M, G, Mg, CgK, P, L, colsSize, panels, relu, x, w, bias, win } = a;
  const image = x + 4 * n * C * P;
  if (panels) {
    // Per group: pad the image once, then unfold a block of columns straight into packed panels
    // and multiply it, block by block (one GEMM slice deep, PANEL_COLUMNS wide) while it is in cache.
    const [H, W, kh, kw, sh, , ph, pw, dh, dw, oh, ow] = win;
    const Cg = C / G;
    const depth = k.sgemm.panelDepth();
    const padded = myCols + 4 * panelBlockFloats(CgK, L, depth);
    const rowStep = sh * (ow + (kw - 1) * dw);
    for (let g = 0; g < G; g++) {
      const taps = k.conv.padImage(image + 4 * g * Cg * P, Cg, H, W, kh, kw, sh, ph, pw, dh, dw, oh, ow, padded);
      const wg = w + 4 * g * Mg * CgK, yg = y + 4 * g * Mg * L;
      for (let q0 = 0; q0 < L; q0 += PANEL_COLUMNS) {
        const q1 = Math.min(L, q0 + PANEL_COLUMNS);
        for (let k0 = 0; k0 < CgK; k0 += depth) {
          const k1 = Math.min(CgK, k0 + depth);
          k.conv.packPanels(padded, taps, rowStep, ow, L, q0, q1, k0, k1, myCols);
          k.sgemm.sgemmPanels(Mg, q1 - q0, k1 - k0, wg + 4 * k0, CgK, 1, myCols, yg + 4 * q0, L, work, k0 > 0);
        }
      }
    }
  } else {
    if (colsSize) k.conv.im2col2d(image, C, ...win, myCols);
    k.sgemm.sgemm(G, Mg, L, CgK, w, Mg * CgK, CgK, 1, colsSize ? myCols : image, CgK * L, L, 1, y, work, false);
  }
  if (bias || relu) k.conv.epilogue(y, M, L, bias, M, 0, relu);
}

/** Forward convolution, split over images: y[n, g] = W[g] · cols[n, g] (+ bias, then ReLU if asked). */
const convForward: Task = (k, work, args, part, parts) => {
  const a = convArgs(args);
  const [n0, n1] = partRange(a.N, part, parts);
  for (let n = n0; n < n1; n++) convImage(k, work, a, n, a.cols + 4 * part * a.colsSize, a.y + 4 * n * a.M * a.L);
};

/** Arguments of `convMaxPoolForward` after the convolution's: values, indices, whether the window is a plain 2×2, the window. */
const POOL_HEAD = 3;

/**
 * Forward convolution then max pooling, split over images: each image's convolution goes to the
 * part's own buffer at `y` (M·L floats per part) and is pooled from there, so the full
 * convolution output is never written.
 */
const convMaxPoolForward: Task = (k, work, args, part, parts) => {
  const a = convArgs(args);
  const [values, indices, plain2x2] = take(args, POOL_HEAD, CONV_HEAD + 12);
  const pool = take(args, 12, CONV_HEAD + 12 + POOL_HEAD) as Window2d;
  const [H, W, , , , , , , , , oh, ow] = pool;
  const [n0, n1] = partRange(a.N, part, parts);
  const y = a.y + 4 * part * a.M * a.L;
  for (let n = n0; n < n1; n++) {
    convImage(k, work, a, n, a.cols + 4 * part * a.colsSize, y);
    const out = 4 * n * a.M * oh * ow;
    if (plain2x2) k.pool.maxPool2x2(y, a.M, H, W, oh, ow, 1, values + out, indices + out);
    else k.pool.maxPool2d(y, a.M, ...pool, 1, values + out, indices + out);
  }
};

/** Input gradient, split over images: dcols[n, g] = W[g]ᵀ · dy[n, g], then col2im into dx[n]. */
const convInputGrad: Task = (k, work, args, part, parts) => {
  const { N, C, M, G, Mg, CgK, P, L, colsSize, x: gy, w, y: dx, cols, win } = convArgs(args);
  const [n0, n1] = partRange(N, part, parts);
  const myCols = cols + 4 * part * colsSize;
  for (let n = n0; n < n1; n++) {
    const image = dx + 4 * n * C * P;
    // A = W[g]ᵀ: element (k, m) of group g is w[g·Mg + m, k].
    k.sgemm.sgemm(G, CgK, L, Mg, w, Mg * CgK, 1, CgK, gy + 4 * n * M * L, Mg * L, L, 1, colsSize ? myCols : image, work, false);
    if (colsSize) k.conv.col2im2d(myCols, C, ...win, image);
  }
};

/**
 * Weight gradient dW[g] += dy[n, g] · cols[n, g]ᵀ over every image n, split over groups when
 * there are several (each part unfolds only its groups' channels), else over the rows of dW
 * (each part unfolds whole images). Either way every element sums the images in order.
 */
const convWeightGrad: Task = (k, work, args, part, parts) => {
  const { N, C, M, G, Mg, CgK, P, L, colsSize, x, w: gy, y: dw, cols, win } = convArgs(args);
  const myCols = cols + 4 * part * colsSize;
  if (G > 1) {
    const [g0, g1] = partRange(G, part, parts);
    const Cg = C / G;
    for (let n = 0; n < N && g1 > g0; n++) {
      const image = x + 4 * (n * C + g0 * Cg) * P;
      if (colsSize) k.conv.im2col2d(image, (g1 - g0) * Cg, ...win, myCols);
      // B = cols[g]ᵀ: element (l, k) of group g is cols[g·CgK + k, l].
      k.sgemm.sgemm(g1 - g0, Mg, CgK, L, gy + 4 * (n * M + g0 * Mg) * L, Mg * L, L, 1, colsSize ? myCols : image, CgK * L, 1, L, dw + 4 * g0 * Mg * CgK, work, n > 0);
    }
    return;
  }
  const [m0, m1] = partRange(M, part, parts, MR);
  for (let n = 0; n < N && m1 > m0; n++) {
    const image = x + 4 * n * C * P;
    if (colsSize) k.conv.im2col2d(image, C, ...win, myCols);
    k.sgemm.sgemm(1, m1 - m0, CgK, L, gy + 4 * (n * M + m0) * L, 0, L, 1, colsSize ? myCols : image, 0, 1, L, dw + 4 * m0 * CgK, work, n > 0);
  }
};

/** Number of leading depthwise arguments before the window (see `depthwiseArgs`). */
const DEPTHWISE_HEAD = 8;

/**
 * Depthwise convolution arguments (depthwise.ts): [N, C, Mg, relu, a, b, out, bias, ...window]:
 * sizes, whether the forward pass applies ReLU, and the byte addresses of the two operands, the
 * result and the forward pass's bias (0: none).
 */
function depthwiseArgs(args: ArrayLike<number>) {
  const [N, C, Mg, relu, a, b, out, bias] = take(args, DEPTHWISE_HEAD);
  return { N, C, Mg, relu: relu !== 0, a, b, out, bias, win: take(args, 12, DEPTHWISE_HEAD) as Window2d };
}

/** Depthwise forward pass (+ bias, then ReLU if asked), split over (image, channel) planes. */
const depthwiseForward: Task = (k, _work, args, part, parts) => {
  const { N, C, Mg, relu, a: x, b: w, out: y, bias, win } = depthwiseArgs(args);
  const [p0, p1] = partRange(N * C, part, parts);
  k.depthwise.forward(x, w, y, p0, p1, C, Mg, ...win);
  // Input plane (n, c) feeds the Mg output planes from (n·C + c)·Mg on.
  const L = win[10] * win[11];
  if ((bias || relu) && p1 > p0) k.conv.epilogue(y + 4 * p0 * Mg * L, (p1 - p0) * Mg, L, bias, C * Mg, p0 * Mg, relu);
};

/** Depthwise input gradient, split over (image, channel) planes of dx. */
const depthwiseInputGrad: Task = (k, _work, args, part, parts) => {
  const { N, C, Mg, a: gy, b: w, out: dx, win } = depthwiseArgs(args);
  const [p0, p1] = partRange(N * C, part, parts);
  k.depthwise.inputGrad(gy, w, dx, p0, p1, C, Mg, ...win);
};

/** Depthwise weight gradient, split over channels; each part sums every image in order. */
const depthwiseWeightGrad: Task = (k, _work, args, part, parts) => {
  const { N, C, Mg, a: x, b: gy, out: dw, win } = depthwiseArgs(args);
  const [c0, c1] = partRange(C, part, parts);
  k.depthwise.weightGrad(x, gy, dw, c0, c1, N, C, Mg, ...win);
};

/** Every task, by name; a task travels to the workers as its index in this table. */
export const tasks = {
  gemm, convForward, convMaxPoolForward, convInputGrad, convWeightGrad, depthwiseForward, depthwiseInputGrad, depthwiseWeightGrad,
} as const;
export type TaskName = keyof typeof tasks;
export const taskNames = Object.keys(tasks) as TaskName[];
