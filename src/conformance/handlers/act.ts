/** Conformance handlers for activations (act/*) and the linear layer. */
import type { HandlerTable, OpCase } from "../handler.js";
import { attr } from "../handler.js";
import * as F from "../../nn/functional/activation.js";
import { linear } from "../../nn/functional/linear.js";

const x = (c: OpCase) => c.inputs.x;

export const activationHandlers: HandlerTable = {
  forward: {
    relu: (c) => F.relu(x(c)),
    relu6: (c) => F.relu6(x(c)),
    sigmoid: (c) => F.sigmoid(x(c)),
    tanh: (c) => F.tanh(x(c)),
    exp: (c) => F.exponential(x(c)),
    selu: (c) => F.selu(x(c)),
    silu: (c) => F.silu(x(c)),
    mish: (c) => F.mish(x(c)),
    softsign: (c) => F.softsign(x(c)),
    hardsigmoid: (c) => F.hardsigmoid(x(c)),
    hardswish: (c) => F.hardswish(x(c)),
    leaky_relu: (c) => F.leakyRelu(x(c), attr(c.attrs, "negative_slope", 0.01)),
    elu: (c) => F.elu(x(c), attr(c.attrs, "alpha", 1)),
    celu: (c) => F.celu(x(c), attr(c.attrs, "alpha", 1)),
    gelu: (c) => F.gelu(x(c), attr(c.attrs, "approximate", "none")),
    softplus: (c) => F.softplus(x(c), attr(c.attrs, "beta", 1), attr(c.attrs, "threshold", 20)),
    hardtanh: (c) => F.hardtanh(x(c), attr(c.attrs, "min_val", -1), attr(c.attrs, "max_val", 1)),
    prelu: (c) => F.prelu(x(c), c.params.weight),
    softmax: (c) => F.softmax(x(c), attr(c.attrs, "dim", -1)),
    log_softmax: (c) => F.logSoftmax(x(c), attr(c.attrs, "dim", -1)),
    softmin: (c) => F.softmin(x(c), attr(c.attrs, "dim", -1)),
    maxout: (c) => F.maxout(x(c), attr<number>(c.attrs, "k"), attr(c.attrs, "dim", 1)),
    linear: (c) => linear(x(c), c.params.weight, c.params.bias ?? null),
  },
};
