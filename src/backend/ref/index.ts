/**
 * The reference backend: every kernel, written plainly in TypeScript. It is the executable
 * specification that every faster backend is tested against.
 */
import type { Backend, Kernels } from "../backend.js";
import { binary, copy, unary, unaryGrad, where } from "./elementwise.js";
import { argReduce, reduce } from "./reduce.js";
import { matmul } from "./matmul.js";
import { gather, scatterAdd, scatterPlanes } from "./indexing.js";
import { avgPool, avgPoolGrad, col2im, im2col, maxPool } from "./window.js";
import { conv, convInputGrad, convMaxPool, convWeightGrad } from "./conv/index.js";
import { normalize, normalizeGrad, normStats } from "./normalization.js";
import { softmaxCrossEntropy, softmaxCrossEntropyGrad } from "./cross-entropy.js";

export const refKernels: Kernels = {
  unary, unaryGrad, binary, where, copy, reduce, argReduce, matmul, gather, scatterAdd,
  im2col, col2im, maxPool, avgPool, avgPoolGrad, scatterPlanes, conv, convMaxPool, convInputGrad, convWeightGrad,
  normStats, normalize, normalizeGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad,
};

export const refBackend: Backend = { name: "ref", kernels: refKernels };
