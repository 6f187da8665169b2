/**
 * The "wasm" backend: kernels compiled to WebAssembly SIMD128 (sources in assembly/, built by
 * scripts/build-wasm.mjs into kernels.generated.ts). It overrides the kernels that dominate
 * training — float32 `matmul`, the 2-D im2col and direct depthwise convolutions (`conv`,
 * `convInputGrad`, `convWeightGrad`; `convMaxPool` fuses the im2col forward with the max pooling after it), 2-D pooling (`maxPool`, `avgPool`, `avgPoolGrad`, `scatterPlanes`) and the
 * common elementwise ops (`binary` arithmetic, `unary`/`unaryGrad` of relu and friends) and
 * float32 sums (`reduce`), normalization statistics, normalization and its backward
 * (`normStats`, `normalize`, `normalizeGrad`) and fused softmax cross-entropy of class indices
 * (`softmaxCrossEntropy`, `softmaxCrossEntropyGrad`) — and each of them hands every case it does not
 * cover (float64, other ranks or algorithms, other ops) to the reference backend, which is
 * also the oracle its tests compare against.
 *
 * The registry (../registry.ts) registers it and makes it the default when the engine supports
 * WebAssembly SIMD128.
 */
import type { Backend } from "../backend.js";
import { matmul } from "./matmul.js";
import { conv, convInputGrad, convMaxPool, convWeightGrad } from "./conv.js";
import { avgPool, avgPoolGrad, maxPool, scatterPlanes } from "./pool.js";
import { binary, unary, unaryGrad } from "./elementwise.js";
import { reduce } from "./reduce.js";
import { normalize, normalizeGrad, normStats } from "./norm.js";
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from "./cross-entropy.js";

export { relaxedSimdEnabled, wasmSupported } from "./loader.js";
export { matmul } from "./matmul.js";
export { conv, convInputGrad, convMaxPool, convWeightGrad } from "./conv.js";
export { avgPool, avgPoolGrad, maxPool, scatterPlanes } from "./pool.js";
export { binary, unary, unaryGrad } from "./elementwise.js";
export { reduce } from "./reduce.js";
export { normalize, normalizeGrad, normStats } from "./norm.js";
export { softmaxCrossEntropy, softmaxCrossEntropyGrad } from "./cross-entropy.js";

/** The WebAssembly SIMD backend (kernels it lacks come from the reference backend). */
export const wasmBackend: Backend = {
  name: "wasm",
  kernels: {
    matmul, conv, convMaxPool, convInputGrad, convWeightGrad, maxPool, avgPool, avgPoolGrad, scatterPlanes, binary, unary, unaryGrad, reduce,
    normStats, normalize, normalizeGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad,
  },
};
