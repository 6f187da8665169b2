/**
 * Weight initialization (PyTorch's torch.nn.init), in place and without recording a graph.
 * Fans follow PyTorch: fan_in = size(1) · receptive field, fan_out = size(0) · receptive field.
 */
import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/engine.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import { ValueError, fmtShape } from "../errors.js";
import { tensor } from "../tensor/create.js";

export type Nonlinearity = "linear" | "conv1d" | "conv2d" | "conv3d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
export type FanMode = "fan_in" | "fan_out";

/** Recommended gain for a nonlinearity (PyTorch's calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "tanh": return 5 / 3;
    case "relu": return Math.SQRT2;
    case "leaky_relu": return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2));
    case "selu": return 3 / 4;
    default: return 1;
  }
}

/** fan_in and fan_out of a weight of at least 2 dims. */
export function calculateFans(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new ValueError(`init: fan in/out need a tensor with at least 2 dims, got ${fmtShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function fill(t: Tensor, draw: () => number): Tensor {
  const values = new Float64Array(t.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  noGrad(() => t.copy_(tensor(values, { shape: t.shape, dtype: t.dtype })));
  return t;
}

/** Fills with U(low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => low + (high - low) * generator.random());
}

/** Fills with N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  return fill(t, () => mean + std * generator.normal());
}

export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => t.fill_(value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Glorot uniform: U(−a, a), a = gain·√(6/(fan_in + fan_out)). */
export function xavierUniform_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, generator);
}

/** Glorot normal: N(0, std²), std = gain·√(2/(fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const { fanIn, fanOut } = calculateFans(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}

/** Options of the Kaiming (He) initializers. */
export interface KaimingOptions {
  /** Negative slope of the following leaky ReLU (PyTorch's `a`, default 0). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, o: KaimingOptions): number {
  const fans = calculateFans(t);
  const fan = (o.mode ?? "fan_in") === "fan_in" ? fans.fanIn : fans.fanOut;
  return calculateGain(o.nonlinearity ?? "leaky_relu", o.a ?? 0) / Math.sqrt(fan);
}

/** He uniform: U(−b, b), b = gain·√(3/fan). */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound, options.generator);
}

/** He normal: N(0, (gain/√fan)²). */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, options), options.generator);
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal matrix (Gram–Schmidt on
 * the rows or columns, whichever are fewer), times `gain`. Extra dims are flattened.
 */
export function orthogonal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  if (t.ndim < 2) throw new ValueError(`orthogonal_: need at least 2 dims, got ${fmtShape(t.shape)}`);
  const rows = t.shape[0];
  const cols = t.size / rows;
  const [n, m] = rows < cols ? [rows, cols] : [cols, rows]; // n orthonormal vectors of length m
  const v = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => generator.normal()));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += v[i][k] * v[j][k];
      for (let k = 0; k < m; k++) v[i][k] -= dot * v[j][k];
    }
    const norm = Math.hypot(...v[i]);
    for (let k = 0; k < m; k++) v[i][k] /= norm;
  }
  const values = new Float64Array(t.size);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) values[r * cols + c] = gain * (rows < cols ? v[r][c] : v[c][r]);
  noGrad(() => t.copy_(tensor(values, { shape: t.shape, dtype: t.dtype })));
  return t;
}
