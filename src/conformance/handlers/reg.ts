/** Conformance handlers for the regularizers (reg/*): inputs.w; elastic net's attrs.beta. */
import type { HandlerTable } from "../handler.js";
import { attr } from "../handler.js";
import { elasticNetPenalty, l1Penalty, l2Penalty } from "../../nn/functional/regularization.js";

export const regularizationHandlers: HandlerTable = {
  forward: {
    "reg/l1": (c) => l1Penalty(c.inputs.w),
    "reg/l2": (c) => l2Penalty(c.inputs.w),
    "reg/elastic_net": (c) => elasticNetPenalty(c.inputs.w, attr<number>(c.attrs, "beta")),
  },
};
