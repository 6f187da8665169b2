/**
 * Conformance handlers for the optim family: each builds the optimizer over the case's
 * tensors from its attrs (snake_case → camelCase options, through the public constructor) and
 * feeds each step's gradients through `.grad`, as a training loop would.
 */
import type { HandlerTable, OptimizerHandler } from "../handler.js";
import { Unsupported } from "../handler.js";
import type { Tensor } from "../../tensor/tensor.js";
import { SGD, Adam, AdamW, RMSprop, Adagrad, type Optimizer, type OptimizerParams, type OptionTemplate, type HyperParams } from "../../optim/index.js";
import { camelName } from "../../optim/validate.js";

interface OptimizerClass<H extends HyperParams> {
  new (params: OptimizerParams<H>, options: Partial<H>): Optimizer<H>;
  readonly defaultOptions: OptionTemplate<H>;
}

function handler<H extends HyperParams>(Ctor: OptimizerClass<H>): OptimizerHandler {
  return (attrs, params) => {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(attrs)) {
      const name = camelName(k);
      if (!Object.hasOwn(Ctor.defaultOptions, name)) throw new Unsupported(`${Ctor.name} has no option "${name}" (attr "${k}")`);
      options[name] = v;
    }
    const named = Object.entries(params);
    const opt = new Ctor(named.map(([, p]) => p), options as Partial<H>);
    return {
      step(grads: Record<string, Tensor>) {
        for (const [k, p] of named) p.grad = grads[k] ?? null;
        opt.step();
      },
    };
  };
}

export const optimizerHandlers: HandlerTable = {
  optimizers: {
    "optim/sgd": handler(SGD),
    "optim/adam": handler(Adam),
    "optim/adamw": handler(AdamW),
    "optim/rmsprop": handler(RMSprop),
    "optim/adagrad": handler(Adagrad),
  },
};
