/**
 * Conformance handlers for the norm family: batch_norm1d/2d (training and eval, with running
 * statistics), layer_norm, group_norm, instance_norm and dropout (eval). Each builds the public
 * layer from the case's attrs, loads the case's params and state_before by state-dict key, runs
 * it, and writes the layer's buffers back into the case's state for the state_after check.
 */
import type { Tensor } from "../../tensor/tensor.js";
import type { Module } from "../../nn/module.js";
import {
  BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LayerNorm,
} from "../../nn/layers/normalization.js";
import { Dropout } from "../../nn/layers/dropout.js";
import { attr, Unsupported, type HandlerTable, type OpCase } from "../handler.js";

/** Runs `layer` on the case's x in the case's mode, with the case's weights and buffers. */
function runLayer(c: OpCase, layer: Module): Tensor {
  layer.train(attr(c.attrs, "training", true));
  if (c.inputs.x.dtype === "float64") layer.double();
  // Keys the case does not give (num_batches_tracked) keep the layer's own value.
  layer.loadStateDict({ ...layer.stateDict(), ...c.params, ...c.state });
  // Grads are checked on the case's own tensors: make them the layer's parameters.
  for (const [key, p] of layer.namedParameters()) if (key in c.params) c.params[key] = p;
  const y = layer.forward(c.inputs.x);
  const sd = layer.stateDict();
  for (const key of Object.keys(c.state)) c.state[key] = sd[key];
  return y;
}

const batchNormOptions = (c: OpCase) => ({
  eps: attr(c.attrs, "eps", 1e-5),
  momentum: attr<number | null>(c.attrs, "momentum", 0.1),
  affine: attr(c.attrs, "affine", true),
  trackRunningStats: attr(c.attrs, "track_running_stats", true),
});

function instanceNormLayer(c: OpCase): Module {
  const options = {
    eps: attr(c.attrs, "eps", 1e-5),
    momentum: attr(c.attrs, "momentum", 0.1),
    affine: attr(c.attrs, "affine", false),
    trackRunningStats: attr(c.attrs, "track_running_stats", false),
  };
  const numFeatures = attr<number>(c.attrs, "num_features");
  switch (c.inputs.x.ndim) {
    case 3: return new InstanceNorm1d(numFeatures, options);
    case 4: return new InstanceNorm2d(numFeatures, options);
    case 5: return new InstanceNorm3d(numFeatures, options);
    default: throw new Unsupported(`instance_norm of a ${c.inputs.x.ndim}-D input`);
  }
}

/** Forward handlers of the norm family, by case op name. */
export const normalizationHandlers: HandlerTable = {
  forward: {
    batch_norm1d: (c) => runLayer(c, new BatchNorm1d(attr(c.attrs, "num_features"), batchNormOptions(c))),
    batch_norm2d: (c) => runLayer(c, new BatchNorm2d(attr(c.attrs, "num_features"), batchNormOptions(c))),
    layer_norm: (c) =>
      runLayer(c, new LayerNorm(attr<number[]>(c.attrs, "normalized_shape"), {
        eps: attr(c.attrs, "eps", 1e-5), elementwiseAffine: attr(c.attrs, "elementwise_affine", true),
      })),
    group_norm: (c) =>
      runLayer(c, new GroupNorm(attr(c.attrs, "num_groups"), attr(c.attrs, "num_channels"), {
        eps: attr(c.attrs, "eps", 1e-5), affine: attr(c.attrs, "affine", true),
      })),
    instance_norm: (c) => runLayer(c, instanceNormLayer(c)),
    dropout: (c) => runLayer(c, new Dropout(attr(c.attrs, "p", 0.5))),
  },
};
