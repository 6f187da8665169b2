/** Ready-made models, by name for the CLI. */
import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/module.js";
import { LeNet5 } from "./lenet.js";
import { MLP } from "./mlp.js";
import { ValueError } from "../errors.js";

export { LeNet5, type LeNet5Options } from "./lenet.js";
export { MLP } from "./mlp.js";

/** What a model needs to know about its data. */
export interface InputSpec {
  channels: number;
  imageSize: number;
  numClasses: number;
}

const factories: Record<string, (spec: InputSpec) => Module<[Tensor], Tensor>> = {
  lenet5: (s) => new LeNet5({ inChannels: s.channels, imageSize: s.imageSize, numClasses: s.numClasses }),
  mlp: (s) => new MLP(s.channels * s.imageSize * s.imageSize, [512, 256], s.numClasses),
};

/** Names accepted by `createModel` (and `myelin train --model`). */
export const modelNames = Object.keys(factories);

export function createModel(name: string, spec: InputSpec): Module<[Tensor], Tensor> {
  const f = factories[name];
  if (!f) throw new ValueError(`unknown model "${name}" (available: ${modelNames.join(", ")})`);
  return f(spec);
}
