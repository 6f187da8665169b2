/**
 * optim: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad), learning-rate schedulers and
 * gradient clipping, with PyTorch 1.13's update rules, defaults and state-dict layout.
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new optim.CosineAnnealingLR(opt, epochs);
 * // each batch: opt.zeroGrad(); loss.backward(); optim.clipGradNorm_(model.parameters(), 1); opt.step();
 * // each epoch: sched.step();
 */
export {
  Optimizer, type HyperParam, type HyperParams, type ParamGroup, type ParamGroupSpec, type OptimizerParams,
  type OptionTemplate, type ParamState, type ParamGroupState, type OptimizerStateDict,
} from "./optimizer.js";
export { SGD, type SGDHyperParams, type SGDOptions, type SGDState } from "./sgd.js";
export { Adam, type AdamHyperParams, type AdamOptions, type AdamState } from "./adam.js";
export { AdamW, type AdamWOptions } from "./adamw.js";
export { RMSprop, type RMSpropHyperParams, type RMSpropOptions, type RMSpropState } from "./rmsprop.js";
export { Adagrad, type AdagradHyperParams, type AdagradOptions, type AdagradState } from "./adagrad.js";
export {
  LRScheduler, type Scheduler, type SchedulableOptimizer, type SchedulerStateDict, type SchedulerStateValue,
} from "./lr-scheduler.js";
export { StepLR, type StepLROptions } from "./step-lr.js";
export { MultiStepLR, type MultiStepLROptions } from "./multi-step-lr.js";
export { ExponentialLR, type ExponentialLROptions } from "./exponential-lr.js";
export { CosineAnnealingLR, type CosineAnnealingLROptions } from "./cosine-annealing-lr.js";
export { LinearLR, type LinearLROptions } from "./linear-lr.js";
export { LambdaLR, type LambdaLROptions, type LrLambda } from "./lambda-lr.js";
export { SequentialLR, type SequentialLROptions } from "./sequential-lr.js";
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from "./reduce-lr-on-plateau.js";
export { clipGradNorm_, clipGradValue_ } from "./clip-grad.js";
