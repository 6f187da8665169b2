/**
 * Choosing how a convolution is computed: the global setting, per-call resolution of "auto",
 * the applicability rule (shared with the kernels, which refuse what does not apply), and the
 * arithmetic behind both the auto rule and `myelin bench conv` — multiplication counts per
 * algorithm and a small built-in cost table (measured on this framework's kernels, see
 * docs/convolution.md).
 */
import type { ConvAlgorithm, ConvGeometry } from "../../../backend/backend.js";
import { getBackend } from "../../../backend/registry.js";
import { convAlgorithmIssue } from "../../../backend/conv-applicability.js";
import { fftSize, rfft2Multiplications } from "../../../backend/ref/conv/fft.js";
import { winogradTile } from "../../../backend/ref/conv/winograd.js";
import { ValueError } from "../../../errors.js";
import { numel } from "../../../tensor/shape.js";

export type { ConvAlgorithm } from "../../../backend/backend.js";
export { convAlgorithmIssue };

/** A concrete algorithm, or "auto" (chosen per call from the shape). */
export type ConvAlgorithmChoice = ConvAlgorithm | "auto";

/** Every concrete algorithm, in the order the bench and docs list them. */
export const CONV_ALGORITHMS: readonly ConvAlgorithm[] = ["direct", "im2col", "fft", "winograd"];
const CHOICES: readonly ConvAlgorithmChoice[] = [...CONV_ALGORITHMS, "auto"];

let globalAlgorithm: ConvAlgorithmChoice = "auto";

/** Checks a user-supplied algorithm name. */
export function checkConvAlgorithm(label: string, a: unknown): ConvAlgorithmChoice {
  if (typeof a !== "string" || !(CHOICES as readonly string[]).includes(a)) {
    throw new ValueError(`${label}: algorithm must be one of ${CHOICES.join(", ")}, got ${JSON.stringify(a)}`);
  }
  return a as ConvAlgorithmChoice;
}

/**
 * Sets the algorithm used by every convolution that does not name one itself (a call's or a
 * layer's `algorithm` option wins). Default "auto".
 */
export function setConvAlgorithm(algorithm: ConvAlgorithmChoice): void {
  globalAlgorithm = checkConvAlgorithm("setConvAlgorithm", algorithm);
}

/** The global convolution algorithm (see `setConvAlgorithm`). */
export function getConvAlgorithm(): ConvAlgorithmChoice {
  return globalAlgorithm;
}

/** One convolution's sizes, from the forward convolution's point of view. */
export interface ConvProblem {
  readonly N: number;
  readonly C: number;
  readonly M: number;
  readonly inSpatial: readonly number[];
  readonly geom: ConvGeometry;
}

/** Thrown when a call or layer explicitly requests an algorithm that cannot compute its geometry. */
export class ConvAlgorithmError extends ValueError {
  constructor(label: string, readonly algorithm: ConvAlgorithm, readonly reason: string) {
    super(`${label}: algorithm "${algorithm}" does not apply: ${reason}`);
    this.name = "ConvAlgorithmError";
  }
}

/** The algorithms that can compute this geometry, in CONV_ALGORITHMS order. */
export function applicableConvAlgorithms(p: ConvProblem): ConvAlgorithm[] {
  return CONV_ALGORITHMS.filter((a) => convAlgorithmIssue(a, p.geom) === null);
}

/** The concrete algorithm for a call: the requested one (after checking it applies) or auto's pick. */
export function resolveConvAlgorithm(label: string, choice: ConvAlgorithmChoice | undefined, p: ConvProblem): ConvAlgorithm {
  const a = choice === undefined ? globalAlgorithm : checkConvAlgorithm(label, choice);
  if (a === "auto") return autoConvAlgorithm(p);
  const issue = convAlgorithmIssue(a, p.geom);
  if (issue) throw new ConvAlgorithmError(label, a, issue);
  return a;
}

// ---- arithmetic ------------------------------------------------------------------------------

const isDepthwise = (p: ConvProblem) => p.geom.groups > 1 && p.C === p.geom.groups;
const isPointwise = (g: ConvGeometry) =>
  g.kernel.every((k) => k === 1) && g.stride.every((s) => s === 1) && g.padding.every((q) => q === 0);

/** Multiply–accumulates of the definition: N·M·Πout·(C/G)·Πk (direct and im2col do exactly these). */
export function convDefinitionMacs(p: ConvProblem): number {
  return p.N * p.M * numel(p.geom.outSize) * (p.C / p.geom.groups) * numel(p.geom.kernel);
}

/** The FFT's transform sizes (Fh, Fw) for a problem (1-D runs with height 1 → Fh = 2). */
export function fftTransformSize(p: ConvProblem): [number, number] {
  const g = p.geom;
  const ext = g.outSize.map((o, i) => o + g.kernel[i] - 1);
  return ext.length === 1 ? [2, fftSize(ext[0])] : [fftSize(ext[0]), fftSize(ext[1])];
}

/** Winograd's tile count per image and channel, and α² (products per tile and channel pair). */
export function winogradTiles(p: ConvProblem): { m: number; tiles: number; alpha: number } {
  const t = winogradTile(p.geom.outSize);
  return { m: t.m, alpha: t.alpha, tiles: Math.ceil(p.geom.outSize[0] / t.m) * Math.ceil(p.geom.outSize[1] / t.m) };
}

/**
 * Multiplications of the forward pass, whole batch, as the course counts them:
 * - direct, im2col: the definition's MACs (768,000 for 3x32x32 ⋆ ten 5x5 filters, pad 2);
 * - winograd: the elementwise products, α² per tile and (out, in) channel pair — F(2×2,3×3): 16
 *   per 2×2 tile instead of 36 (transforms are additions and constant scalings, not counted);
 * - fft: real multiplications of every transform (N·C inputs, M·C/G filters, N·M inverses;
 *   4 per butterfly) plus 4 per complex product (N·M·C/G·Fh·(Fw/2+1)).
 * null when the algorithm does not apply.
 */
export function convMultiplications(algorithm: ConvAlgorithm, p: ConvProblem): number | null {
  if (convAlgorithmIssue(algorithm, p.geom)) return null;
  const Cg = p.C / p.geom.groups;
  switch (algorithm) {
    case "direct":
    case "im2col":
      return convDefinitionMacs(p);
    case "winograd": {
      const { tiles, alpha } = winogradTiles(p);
      return p.N * p.M * Cg * tiles * alpha * alpha;
    }
    case "fft": {
      const [Fh, Fw] = fftTransformSize(p);
      const transforms = p.N * p.C + p.M * Cg + p.N * p.M;
      return transforms * rfft2Multiplications(Fh, Fw) + 4 * p.N * p.M * Cg * Fh * (Fw / 2 + 1);
    }
  }
}

/**
 * Nanoseconds per unit of work, per backend, fitted to `myelin bench conv` on a shared 2-core
 * x86 machine (docs/convolution.md has the runs). `gemmMac`: per multiply–add inside `matmul`;
 * `gemmOut`: per output element of a `matmul` call (packing and call overhead, which dominate
 * thin products); `depthwiseGemm`: per MAC of the [1×k²]·[k²×L] products depthwise im2col and
 * Winograd degenerate to; `copy`: per element im2col writes; `direct`/`depthwise`/`depthwise3d`:
 * per MAC of the direct loops (`depthwise`: 1-D and 2-D, SIMD on wasm, copies included; the rest plain JS);
 * `transform`: per multiplication of Winograd's tile transforms; `fft`: per real multiplication
 * of the FFT path.
 */
interface CostTable {
  gemmMac: number;
  gemmOut: number;
  depthwiseGemm: number;
  copy: number;
  direct: number;
  depthwise: number;
  depthwise3d: number;
  transform: number;
  fft: number;
}

const COSTS: Record<string, CostTable> = {
  ref: { gemmMac: 1.7, gemmOut: 0, depthwiseGemm: 6.9, copy: 0.5, direct: 6, depthwise: 2.5, depthwise3d: 2.5, transform: 2.0, fft: 0.94 },
  wasm: { gemmMac: 0.05, gemmOut: 6, depthwiseGemm: 1.0, copy: 0.25, direct: 6, depthwise: 0.4, depthwise3d: 0.8, transform: 4.2, fft: 1.3 },
};

/** Estimated forward time in ns on the active backend, from the cost table (null: not applicable). */
export function estimateConvTime(algorithm: ConvAlgorithm, p: ConvProblem): number | null {
  const mults = convMultiplications(algorithm, p);
  if (mults === null) return null;
  const c = COSTS[getBackend()] ?? COSTS.ref;
  // Only true depthwise products (one input channel per group) are the thin [1×k²]·[k²×L] GEMMs;
  // a plain convolution of a 1-channel image (LeNet's first layer) is an ordinary GEMM.
  const gemm = (macs: number, outputs: number) => (isDepthwise(p) ? macs * c.depthwiseGemm : macs * c.gemmMac + outputs * c.gemmOut);
  switch (algorithm) {
    case "direct":
      if (!isDepthwise(p)) return mults * c.direct;
      return mults * (p.inSpatial.length <= 2 ? c.depthwise : c.depthwise3d);
    case "im2col": {
      const L = numel(p.geom.outSize);
      const unfolded = isPointwise(p.geom) ? 0 : p.N * p.C * numel(p.geom.kernel) * L;
      return gemm(mults, p.N * p.M * L) + unfolded * c.copy;
    }
    case "winograd": {
      const { m, alpha, tiles } = winogradTiles(p);
      const T = p.N * tiles;
      const a2 = alpha * alpha;
      const transformMults = T * (p.C * 2 * alpha ** 3 + p.M * (m * a2 + m * m * alpha));
      return gemm(mults, a2 * p.M * T) + transformMults * c.transform;
    }
    case "fft":
      return mults * c.fft;
  }
}

/** Auto's pick: the applicable algorithm with the smallest estimated time (ties: list order). */
export function autoConvAlgorithm(p: ConvProblem): ConvAlgorithm {
  let best: ConvAlgorithm = "im2col";
  let bestTime = Infinity;
  for (const a of CONV_ALGORITHMS) {
    const t = estimateConvTime(a, p);
    if (t !== null && t < bestTime) {
      best = a;
      bestTime = t;
    }
  }
  return best;
}
