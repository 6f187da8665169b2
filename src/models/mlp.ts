/** A multilayer perceptron: Flatten → (Linear → ReLU)* → Linear. */
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "../nn/module.js";
import { Sequential, type Layer } from "../nn/containers.js";
import { Flatten, Linear } from "../nn/layers/linear.js";
import { ReLU } from "../nn/layers/activation.js";

/**
 * **Shape:** [N, ...] (flattened to inFeatures) → [N, outFeatures].
 *
 * @example new MLP(784, [512, 256], 10)
 */
export class MLP extends Module {
  readonly layers: Sequential;

  constructor(inFeatures: number, hidden: readonly number[], outFeatures: number) {
    super();
    const sizes = [inFeatures, ...hidden];
    const body: Layer[] = [new Flatten()];
    for (let i = 0; i < hidden.length; i++) body.push(new Linear(sizes[i], sizes[i + 1]), new ReLU());
    body.push(new Linear(sizes[sizes.length - 1], outFeatures));
    this.layers = new Sequential(...body);
  }

  forward(x: Tensor): Tensor {
    return this.layers.forward(x);
  }
}
