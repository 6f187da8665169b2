/**
 * Myelin: tensors, autograd, layers, optimizers and training in TypeScript.
 *
 * @example
 * import { tensor, nn, optim } from "myelin";
 */
export { Tensor, type NestedArray } from "./tensor/tensor.js";
export type { DType, TypedArray } from "./tensor/dtype.js";
export type { Shape } from "./tensor/shape.js";
export {
  tensor, fromTypedArray, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, uniform, normal, randint, randperm, type CreateOptions, type RandomOptions,
} from "./tensor/create.js";
export { Generator, manualSeed, defaultGenerator } from "./tensor/random.js";
export { noGrad, enableGrad, isGradEnabled, type BackwardOptions } from "./autograd/engine.js";
export { gradcheck, GradcheckError, type GradcheckOptions } from "./autograd/gradcheck.js";
export { MyelinError, ShapeError, DTypeError, ValueError, AutogradError } from "./errors.js";
export { setBackend, getBackend, listBackends, registerBackend } from "./backend/registry.js";
export { setNumThreads, getNumThreads } from "./backend/threads.js";
export { relaxedSimdEnabled } from "./backend/wasm/index.js";
export type { Backend, Kernels } from "./backend/backend.js";
export {
  add, sub, mul, div, pow, maximum, minimum, eq, ne, lt, le, gt, ge, where, clamp,
  neg, abs, sign, exp, log, sqrt, rsqrt, reciprocal, square, sin, cos, tanh, sigmoid, relu, erf,
  floor, ceil, round, log1p, expm1, logicalNot,
} from "./ops/elementwise.js";
export { sum, mean, max, min, argmax, argmin, variance, std, logsumexp, type ValuesIndices, type VarOptions } from "./ops/reduce.js";
export { matmul } from "./ops/matmul.js";
export {
  reshape, view, permute, transpose, expand, squeeze, unsqueeze, flatten, slice, narrow, select,
  cat, stack, split, chunk, pad, contiguous, clone,
} from "./ops/movement.js";
export { gather, indexSelect, oneHot } from "./ops/indexing.js";
export { softmax, logSoftmax, softmin } from "./ops/softmax.js";
export { cast } from "./ops/cast.js";
export * as nn from "./nn/index.js";
export * as optim from "./optim/index.js";
export * as data from "./data/index.js";
export { DataLoader, TensorDataset, Subset, randomSplit, ImageClassificationDataset, DataFormatError, DatasetNotFoundError } from "./data/index.js";
export * as stats from "./stats/index.js";
export * as train from "./train/index.js";
export { fit, evaluate } from "./train/fit.js";
export * as models from "./models/index.js";
export { encodeSafetensors, decodeSafetensors, type Safetensors } from "./io/safetensors.js";
