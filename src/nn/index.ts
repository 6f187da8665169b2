/**
 * Neural-network building blocks: Module and Parameter, containers, layers, activations,
 * losses, initializers. `F` holds the functional forms.
 */
export { Module, stateKey, type StateDict, type LoadResult, type AnyModule } from "./module.js";
export { Parameter } from "./parameter.js";
export { Sequential, ModuleList, ModuleDict, Residual, Concat, type Layer, type FusesNext, type FusedStep } from "./containers.js";
export { Linear, Bilinear, Identity, Flatten, Unflatten } from "./layers/linear.js";
export * from "./layers/activation.js";
export * as init from "./init.js";
export * as F from "./functional/index.js";
export {
  ConvNd, Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, SeparableConv2d,
  type ConvLayerOptions, type ConvTransposeLayerOptions, type SeparableConv2dOptions,
} from "./layers/conv.js";
export * from "./layers/loss.js";
export { l1Penalty, l2Penalty, elasticNetPenalty, weightsOf } from "./functional/regularization.js";
export {
  BatchNorm1d, BatchNorm2d, BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, GroupNorm, LayerNorm,
  LocalResponseNorm, RunningStatsNorm, type BatchNormLayerOptions, type InstanceNormLayerOptions,
} from "./layers/normalization.js";
export { Dropout, Dropout1d, Dropout2d, Dropout3d, type DropoutOptions } from "./layers/dropout.js";
export * from "./layers/pooling.js";
