/** Functional forms of every layer, activation and loss (`nn.F`). */
export * from "./activation.js";
export * from "./linear.js";
export {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convNd, convTransposeNd, convOutputShape, convMacs,
  type ConvOptions, type ConvTransposeOptions, type ConvPadding, type ConvShapeOptions, type IntOrTuple,
} from "./conv.js";
export * from "./loss.js";
export * from "./regularization.js";
export { batchNorm, instanceNorm, groupNorm, layerNorm, localResponseNorm, type BatchNormOptions, type InstanceNormOptions } from "./normalization.js";
export { dropout, dropout1d, dropout2d, dropout3d } from "./dropout.js";
export * from "./pooling.js";
