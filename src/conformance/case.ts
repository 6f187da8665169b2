/**
 * The conformance case format (see shared/conformance/README.md): reference results computed
 * by an independent implementation, one JSON object per case.
 */

/** A tensor as stored in a case: flat row-major data. */
export interface TensorJson {
  shape: number[];
  data: number[];
  /** "int64" for class targets and indices; absent for floating point. */
  dtype?: string;
}

export type TensorMap = Record<string, TensorJson>;

export interface ConformanceCase {
  id: string;
  op: string;
  attrs: Record<string, unknown>;
  inputs?: TensorMap;
  params?: TensorMap;
  output?: TensorJson;
  upstream?: TensorJson;
  grads?: TensorMap;
  state_before?: TensorMap;
  state_after?: TensorMap;
  tolerance?: { rtol: number; atol: number };
  /** Optimizer cases: the gradient fed at each step. */
  grads_sequence?: TensorMap[];
  params_after?: TensorMap;
  params_history?: TensorMap[];
  /** model cases: the network output before the loss. */
  logits?: TensorJson;
  note?: string;
}
