/**
 * The core API (tensors, ops, autograd, random, errors) for the core tests, imported from the
 * core modules directly so that these tests load even while a layer, dataset or model module
 * elsewhere in the tree is broken. Same names as the package index.
 */
export { Tensor, type NestedArray } from "../../src/tensor/tensor.js";
export type { DType, TypedArray } from "../../src/tensor/dtype.js";
export * from "../../src/tensor/create.js";
export { Generator, manualSeed, defaultGenerator } from "../../src/tensor/random.js";
export { noGrad, enableGrad, isGradEnabled, attach, type BackwardOptions } from "../../src/autograd/engine.js";
export { gradcheck, GradcheckError } from "../../src/autograd/gradcheck.js";
export * from "../../src/errors.js";
export * from "../../src/ops/elementwise.js";
export * from "../../src/ops/reduce.js";
export { matmul } from "../../src/ops/matmul.js";
export * from "../../src/ops/movement.js";
export * from "../../src/ops/indexing.js";
export * from "../../src/ops/softmax.js";
export { cast } from "../../src/ops/cast.js";
