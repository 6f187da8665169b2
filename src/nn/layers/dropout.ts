/**
 * Dropout layers (PyTorch names and defaults): Dropout zeroes elements, Dropout1d/2d/3d zero
 * whole channels. Active only in training mode (`module.train()`); the identity after
 * `module.eval()`. The math is in functional/dropout.ts.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../module.js";
import { defaultGenerator, type Generator } from "../../tensor/random.js";
import { checkDropoutP, dropout, featureDropout } from "../functional/dropout.js";

/** Options of the dropout layers. */
export interface DropoutOptions {
  /** Stream the masks are drawn from (default: the global one seeded by `manualSeed`). */
  generator?: Generator;
}

/** Shared configuration, validation and printout of the dropout layers. */
abstract class DropoutBase extends Module {
  protected readonly generator: Generator;

  constructor(readonly p = 0.5, options: DropoutOptions = {}) {
    super();
    checkDropoutP(this.typeName, p);
    this.generator = options.generator ?? defaultGenerator;
  }

  protected override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/**
 * Zeroes each element with probability p during training and scales the survivors by
 * 1/(1 − p), so activations keep their expected value and eval mode needs no rescaling.
 * **Shape:** any → same.
 *
 * @example new Sequential(new Linear(784, 256), new ReLU(), new Dropout(0.5), new Linear(256, 10))
 */
export class Dropout extends DropoutBase {
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

/** Zeroes whole channels of a sequence batch during training. **Shape:** [N, C, L] → same. */
export class Dropout1d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return featureDropout(`Dropout1d(p=${this.p})`, x, 1, this.p, this.training, this.generator);
  }
}

/**
 * Zeroes whole channels (feature maps) of an image batch during training, for conv nets where
 * neighbouring activations are correlated. **Shape:** [N, C, H, W] → same.
 */
export class Dropout2d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return featureDropout(`Dropout2d(p=${this.p})`, x, 2, this.p, this.training, this.generator);
  }
}

/** Zeroes whole channels of a volume batch during training. **Shape:** [N, C, D, H, W] → same. */
export class Dropout3d extends DropoutBase {
  forward(x: Tensor): Tensor {
    return featureDropout(`Dropout3d(p=${this.p})`, x, 3, this.p, this.training, this.generator);
  }
}
