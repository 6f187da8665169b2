/**
 * What an op family provides to the conformance runner. A forward handler builds the op from
 * the case's attrs (through the public API, as a user would) and runs it; the runner does the
 * rest: tensors in, output and gradient comparison, state comparison.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { ConvAlgorithmChoice } from "../nn/functional/conv/algorithm.js";

/** Tensors of a case, created by the runner in the run's dtype (int64 data become int32). */
export interface OpCase {
  readonly id: string;
  readonly attrs: Record<string, unknown>;
  /** The case's `inputs`; floating ones require grad. */
  readonly inputs: Record<string, Tensor>;
  /** The case's `params` (weights); they require grad. */
  readonly params: Record<string, Tensor>;
  /**
   * Buffers: filled from `state_before`; a handler whose op updates buffers (BatchNorm in
   * training) stores the updated ones here under the case's keys for `state_after`.
   */
  readonly state: Record<string, Tensor>;
  /** The convolution algorithm of this run (`--conv-algorithm`); undefined: the global setting. */
  readonly convAlgorithm?: ConvAlgorithmChoice;
}

/**
 * Runs one layer/activation/loss case and returns the output whose gradient (w.r.t. inputs and
 * params) the runner checks. Throw `Unsupported` for attrs the implementation lacks.
 */
export type ForwardHandler = (c: OpCase) => Tensor;

/** An optimizer under test: `step` receives the gradients of one step by parameter name. */
export interface OptimizerUnderTest {
  step(grads: Record<string, Tensor>): void;
}

/** Builds an optimizer over `params` (updated in place) from a case's attrs. */
export type OptimizerHandler = (attrs: Record<string, unknown>, params: Record<string, Tensor>) => OptimizerUnderTest;

/** Handlers of one op family, by op name. */
export interface HandlerTable {
  forward?: Record<string, ForwardHandler>;
  optimizers?: Record<string, OptimizerHandler>;
}

/** Thrown by a handler for a case it cannot run (reported as skipped, with the reason). */
export class Unsupported extends Error {
  override name = "Unsupported";
}

/** Reads an attr, or its default; a missing attr without a default makes the case Unsupported. */
export function attr<T>(attrs: Record<string, unknown>, key: string, fallback?: T): T {
  const v = attrs[key];
  if (v === undefined) {
    if (fallback === undefined) throw new Unsupported(`missing attr "${key}"`);
    return fallback;
  }
  return v as T;
}
