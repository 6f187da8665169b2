/**
 * Which convolution algorithm applies to which geometry: the single rule that the op-level
 * "auto" choice and every backend's kernels share.
 */
import type { ConvAlgorithm, ConvGeometry } from "./backend.js";

const fmt = (v: readonly number[]) => v.join("x");

/**
 * Why `algorithm` cannot compute a convolution of this geometry, or null when it can.
 * - direct, im2col: any geometry (direct: up to 3 spatial axes);
 * - fft: 1-D or 2-D, stride 1, dilation 1 (a strided or dilated kernel would need a resampled spectrum);
 * - winograd: 2-D 3×3, stride 1, dilation 1 (F(2×2,3×3) / F(4×4,3×3) transforms are fixed to that window).
 */
export function convAlgorithmIssue(algorithm: ConvAlgorithm, geom: ConvGeometry): string | null {
  const D = geom.kernel.length;
  const ones = (v: readonly number[]) => v.every((e) => e === 1);
  switch (algorithm) {
    case "im2col":
      return null;
    case "direct":
      return D > 3 ? `${D} spatial axes (at most 3)` : null;
    case "fft":
      if (D > 2) return `${D}-D convolution (FFT handles 1-D and 2-D)`;
      if (!ones(geom.stride)) return `stride ${fmt(geom.stride)} (FFT needs stride 1)`;
      if (!ones(geom.dilation)) return `dilation ${fmt(geom.dilation)} (FFT needs dilation 1)`;
      return null;
    case "winograd":
      if (D !== 2) return `${D}-D convolution (Winograd here is 2-D)`;
      if (geom.kernel[0] !== 3 || geom.kernel[1] !== 3) return `kernel ${fmt(geom.kernel)} (Winograd needs 3x3)`;
      if (!ones(geom.stride)) return `stride ${fmt(geom.stride)} (Winograd needs stride 1)`;
      if (!ones(geom.dilation)) return `dilation ${fmt(geom.dilation)} (Winograd needs dilation 1)`;
      return null;
  }
}

