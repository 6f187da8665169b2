/**
 * Conformance handlers for whole networks described as a layer list (model/small_cnn, and the
 * course's seed/xor_net and seed/sigmoid_net): builds an nn.Sequential from the public layer
 * classes, loads the case's weights and buffers by state-dict key, and runs it (with the
 * case's loss, when one is given).
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Sequential, type Layer } from "../../nn/containers.js";
import { Flatten, Linear } from "../../nn/layers/linear.js";
import { ReLU, Sigmoid, Tanh } from "../../nn/layers/activation.js";
import { Conv2d } from "../../nn/layers/conv.js";
import { AvgPool2d, MaxPool2d } from "../../nn/layers/pooling.js";
import { BatchNorm2d } from "../../nn/layers/normalization.js";
import { crossEntropy } from "../../nn/functional/loss.js";
import { attr, Unsupported, type HandlerTable, type OpCase } from "../handler.js";

type Spec = Record<string, unknown>;
const pair = (s: Spec, k: string) => attr<number[]>(s, k) as [number, number];

function buildLayer(s: Spec): Layer {
  switch (s.type) {
    case "linear": return new Linear(attr(s, "in_features"), attr(s, "out_features"), { bias: attr(s, "bias", true) });
    case "relu": return new ReLU();
    case "sigmoid": return new Sigmoid();
    case "tanh": return new Tanh();
    case "flatten": return new Flatten(attr(s, "start_dim", 1), attr(s, "end_dim", -1));
    case "conv2d":
      return new Conv2d(attr(s, "in_channels"), attr(s, "out_channels"), pair(s, "kernel_size"), {
        stride: pair(s, "stride"), padding: pair(s, "padding"), dilation: pair(s, "dilation"), groups: attr(s, "groups", 1), bias: attr(s, "bias", true),
      });
    case "max_pool2d":
      return new MaxPool2d(pair(s, "kernel_size"), { stride: pair(s, "stride"), padding: pair(s, "padding"), dilation: pair(s, "dilation"), ceilMode: attr(s, "ceil_mode", false) });
    case "avg_pool2d":
      return new AvgPool2d(pair(s, "kernel_size"), { stride: pair(s, "stride"), padding: pair(s, "padding"), ceilMode: attr(s, "ceil_mode", false), countIncludePad: attr(s, "count_include_pad", true) });
    case "batch_norm2d":
      return new BatchNorm2d(attr(s, "num_features"), { eps: attr(s, "eps", 1e-5), momentum: attr(s, "momentum", 0.1), affine: attr(s, "affine", true), trackRunningStats: attr(s, "track_running_stats", true) });
    default:
      throw new Unsupported(`layer type "${String(s.type)}"`);
  }
}

function runNetwork(c: OpCase): Tensor {
  const specs = attr<Spec[]>(c.attrs, "layers");
  const net = new Sequential(...specs.map(buildLayer));
  net.train(attr(c.attrs, "training", true));
  if (c.inputs.x.dtype === "float64") net.double();
  // Keys the case does not give (num_batches_tracked) keep the layer's own value.
  net.loadStateDict({ ...net.stateDict(), ...c.params, ...c.state });
  // Grads are checked on the case's own tensors: make them the network's parameters.
  for (const [key, p] of net.namedParameters()) if (key in c.params) c.params[key] = p;
  const logits = net.forward(c.inputs.x);
  for (const key of Object.keys(c.state)) c.state[key] = net.stateDict()[key];
  const loss = c.attrs.loss as Spec | undefined;
  if (!loss) return logits;
  if (loss.type !== "cross_entropy") throw new Unsupported(`loss type "${String(loss.type)}"`);
  return crossEntropy(logits, c.inputs.target, { reduction: attr(loss, "reduction", "mean") });
}

export const modelHandlers: HandlerTable = {
  forward: {
    "model/small_cnn": runNetwork,
    "seed/xor_net": runNetwork,
    "seed/sigmoid_net": runNetwork,
  },
};
