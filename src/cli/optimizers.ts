/** Optimizers by name, with the defaults the CLI uses. */
import type { Parameter } from "../nn/parameter.js";
import { SGD, Adam, AdamW, RMSprop, Adagrad, type Optimizer } from "../optim/index.js";
import { ValueError } from "../errors.js";

export const optimizerNames = ["sgd", "adam", "adamw", "rmsprop", "adagrad"] as const;
export type OptimizerName = (typeof optimizerNames)[number];

/** Default learning rate per optimizer (SGD gets momentum 0.9). */
export const defaultLr: Record<OptimizerName, number> = { sgd: 0.03, adam: 1e-3, adamw: 1e-3, rmsprop: 1e-3, adagrad: 1e-2 };

export function createOptimizer(name: OptimizerName, params: Parameter[], lr: number): Optimizer {
  switch (name) {
    case "sgd": return new SGD(params, { lr, momentum: 0.9 });
    case "adam": return new Adam(params, { lr });
    case "adamw": return new AdamW(params, { lr });
    case "rmsprop": return new RMSprop(params, { lr });
    case "adagrad": return new Adagrad(params, { lr });
    default: throw new ValueError(`unknown optimizer "${String(name)}"`);
  }
}
