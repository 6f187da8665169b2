/** Conformance handlers for the loss family (loss/*): inputs.input, inputs.target; attrs as PyTorch. */
import type { HandlerTable, OpCase } from "../handler.js";
import { attr } from "../handler.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../../nn/functional/loss.js";

const reduction = (c: OpCase) => attr<F.Reduction>(c.attrs, "reduction", "mean");

/** Adapts a loss `(input, target, options)` to a handler, with options built from the case's attrs. */
function loss<O>(fn: (input: Tensor, target: Tensor, options: O) => Tensor, options: (c: OpCase) => O) {
  return (c: OpCase) => fn(c.inputs.input, c.inputs.target, options(c));
}

export const lossHandlers: HandlerTable = {
  forward: {
    "loss/cross_entropy": loss(F.crossEntropy, (c) => ({
      reduction: reduction(c),
      labelSmoothing: attr(c.attrs, "label_smoothing", 0),
      ignoreIndex: attr(c.attrs, "ignore_index", -100),
    })),
    "loss/nll": loss(F.nllLoss, (c) => ({ reduction: reduction(c), ignoreIndex: attr(c.attrs, "ignore_index", -100) })),
    "loss/bce": loss(F.bceLoss, (c) => ({ reduction: reduction(c) })),
    "loss/bce_with_logits": loss(F.bceWithLogits, (c) => ({ reduction: reduction(c) })),
    "loss/mse": loss(F.mseLoss, (c) => ({ reduction: reduction(c) })),
    "loss/half_mse": loss(F.halfMseLoss, (c) => ({ reduction: reduction(c) })),
    "loss/l1": loss(F.l1Loss, (c) => ({ reduction: reduction(c) })),
    "loss/smooth_l1": loss(F.smoothL1Loss, (c) => ({ reduction: reduction(c), beta: attr(c.attrs, "beta", 1) })),
    "loss/huber": loss(F.huberLoss, (c) => ({ reduction: reduction(c), delta: attr(c.attrs, "delta", 1) })),
    "loss/kl_div": loss(F.klDiv, (c) => ({
      reduction: attr<F.KLDivReduction>(c.attrs, "reduction", "mean"),
      logTarget: attr(c.attrs, "log_target", false),
    })),
    "loss/multiclass_hinge": loss(F.multiclassHingeLoss, (c) => ({ reduction: reduction(c), margin: attr(c.attrs, "margin", 1) })),
    "loss/multi_margin": loss(F.multiMarginLoss, (c) => ({
      reduction: reduction(c),
      margin: attr(c.attrs, "margin", 1),
      p: attr(c.attrs, "p", 1),
    })),
  },
};
