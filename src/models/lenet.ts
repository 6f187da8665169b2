/**
 * LeNet-5 as the course draws it: Conv(20, 5×5, pad 2) → ReLU → MaxPool 2 → Conv(50, 5×5,
 * pad 2) → ReLU → MaxPool 2 → Flatten → Linear(→500) → ReLU → Linear(500→classes). On 28×28
 * inputs the flattened size is 50·7·7 = 2450 (weights 20×1×5×5, 50×20×5×5, 500×2450, 10×500).
 * (The 1998 original used 6 and 16 channels, sigmoid units and an RBF output.)
 */
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "../nn/module.js";
import { Sequential } from "../nn/containers.js";
import { Conv2d } from "../nn/layers/conv.js";
import { MaxPool2d } from "../nn/layers/pooling.js";
import { Flatten, Linear } from "../nn/layers/linear.js";
import { ReLU } from "../nn/layers/activation.js";

export interface LeNet5Options {
  /** Input channels (1 for MNIST, 3 for CIFAR-10). */
  inChannels?: number;
  /** Input height = width (28 for MNIST, 32 for CIFAR-10). */
  imageSize?: number;
  numClasses?: number;
}

/**
 * **Shape:** [N, inChannels, imageSize, imageSize] → [N, numClasses] (logits).
 * State-dict keys: features.{0,3}.{weight,bias}, classifier.{1,3}.{weight,bias}.
 */
export class LeNet5 extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;

  constructor(options: LeNet5Options = {}) {
    super();
    const { inChannels = 1, imageSize = 28, numClasses = 10 } = options;
    const pooled = Math.floor(Math.floor(imageSize / 2) / 2);
    this.features = new Sequential(
      new Conv2d(inChannels, 20, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(20, 50, 5, { padding: 2 }),
      new ReLU(),
      new MaxPool2d(2),
    );
    this.classifier = new Sequential(new Flatten(), new Linear(50 * pooled * pooled, 500), new ReLU(), new Linear(500, numClasses));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}
