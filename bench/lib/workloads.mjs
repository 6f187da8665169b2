/**
 * The workloads, identical for every system (issue 6). Each measurement names a `kind` that a
 * system runner implements (or not: a kind a runner lacks is reported as not applicable) and the
 * work one step does, so that rate = work / seconds per step:
 *   W1  LeNet-5 (course variant) training, batch 64, SGD lr 0.01 momentum 0.9; inference, batch 256
 *   W2  MLP 784→512→256→10 with BatchNorm and ReLU, Adam lr 1e-3, batch 128, training
 *   W3  SGEMM n×n, and 2-D convolutions forward and forward+backward
 * Convolution FLOPs are 2·N·M·P·Q·(C/G)·R·S for the forward pass; forward+backward counts 3× that
 * (forward, input gradient, weight gradient).
 */

/** The W3 convolution shapes (stride 1, square kernels, no bias), with their output size P×Q. */
export const CONV_SHAPES = [
  { name: "course", label: "N=64 3x32x32→10@5x5 pad 2", N: 64, C: 3, H: 32, W: 32, M: 10, K: 5, pad: 2, groups: 1 },
  { name: "vgg", label: "N=8 64x56x56→64@3x3 pad 1", N: 8, C: 64, H: 56, W: 56, M: 64, K: 3, pad: 1, groups: 1 },
  { name: "depthwise", label: "N=8 depthwise 3x3 32x112x112 pad 1", N: 8, C: 32, H: 112, W: 112, M: 32, K: 3, pad: 1, groups: 32 },
  { name: "pointwise", label: "N=8 pointwise 32→64 at 112x112", N: 8, C: 32, H: 112, W: 112, M: 64, K: 1, pad: 0, groups: 1 },
].map((s) => ({ ...s, P: s.H + 2 * s.pad - s.K + 1, Q: s.W + 2 * s.pad - s.K + 1 }));

/** The W3 SGEMM sizes. */
export const SGEMM_SIZES = [256, 512, 1024];

/** Forward FLOPs of a convolution shape: 2 per MAC of the definition. */
export const convFlops = (s) => 2 * s.N * s.M * s.P * s.Q * (s.C / s.groups) * s.K * s.K;

/**
 * Every measurement in table order: `id`, `workload`, `kind`, the row `label`, `unit`, `work`
 * (images or GFLOP per step) and the kind's parameters.
 */
export const MEASUREMENTS = [
  { id: "W1.train", workload: "W1", kind: "lenet-train", label: "W1 LeNet-5 train (b64)", unit: "img/s", work: 64, batch: 64 },
  { id: "W1.infer", workload: "W1", kind: "lenet-infer", label: "W1 LeNet-5 infer (b256)", unit: "img/s", work: 256, batch: 256 },
  { id: "W2.train", workload: "W2", kind: "mlp-train", label: "W2 MLP+BN train (b128)", unit: "img/s", work: 128, batch: 128 },
  ...SGEMM_SIZES.map((n) => ({ id: `W3.sgemm.${n}`, workload: "W3", kind: "sgemm", label: `W3 SGEMM ${n}`, unit: "GFLOP/s", work: (2 * n ** 3) / 1e9, n })),
  ...CONV_SHAPES.flatMap((shape) => [
    { id: `W3.conv.${shape.name}.fwd`, workload: "W3", kind: "conv-fwd", label: `W3 conv ${shape.name} fwd`, unit: "GFLOP/s", work: convFlops(shape) / 1e9, shape },
    { id: `W3.conv.${shape.name}.fwdbwd`, workload: "W3", kind: "conv-fwdbwd", label: `W3 conv ${shape.name} fwd+bwd`, unit: "GFLOP/s", work: (3 * convFlops(shape)) / 1e9, shape },
  ]),
];

/** Images of the W1/W2 data set read by every system (the first ones of the training split). */
export const DATA_IMAGES = 4096;
