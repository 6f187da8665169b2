/**
 * The computational graph. Every differentiable op that runs with grad enabled and has an
 * input that requires grad attaches a GradFn to its output: the inputs, and a closure that
 * turns the output's gradient into the inputs' gradients (the local chain-rule step).
 * `backward` orders the graph topologically and applies those closures in reverse,
 * un-broadcasting each input's gradient to the input's shape in one place.
 */
import type { Tensor } from "../tensor/tensor.js";
import { AutogradError, fmtShape } from "../errors.js";
import { shapesEqual } from "../tensor/shape.js";

/** How to push a gradient from an op's output to its inputs. */
export interface GradFn {
  /** Op name, for error messages and graph printing. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Gradients for each input (null where none flows); null once the graph is freed. */
  backward: ((grad: Tensor) => readonly (Tensor | null)[]) | null;
}

let gradEnabled = true;

/** True unless inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording a graph (evaluation, weight updates). Results do not require
 * grad. Nested calls are fine; the previous mode is restored even when `fn` throws.
 *
 * @example const logits = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with graph recording on (inside a `noGrad` region, for example). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Whether `attach` will record an op on these inputs (so an op can skip what only its backward needs). */
export function recordsGraph(inputs: readonly Tensor[]): boolean {
  return gradEnabled && inputs.some((t) => t.requiresGrad);
}

/**
 * Records `out = op(inputs)` in the graph when grad is enabled and some input requires grad.
 * Returns `out`. This is the single entry point ops use to become differentiable.
 */
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (!recordsGraph(inputs)) return out;
  out.requiresGrad = true;
  out.gradFn = { name, inputs, backward };
  return out;
}

/** Hooks the engine needs from the op layer (set by ops at load time to avoid an import cycle). */
export interface EngineOps {
  onesLike(t: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  sumToShape(t: Tensor, shape: readonly number[]): Tensor;
  clone(t: Tensor): Tensor;
}
let ops: EngineOps | null = null;
export function provideEngineOps(o: EngineOps): void {
  ops = o;
}

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default false: it is freed). */
  retainGraph?: boolean;
}

/** Reverse-mode differentiation from `root`, accumulating into `.grad` of leaves. */
export function runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions = {}): void {
  if (!ops) throw new AutogradError("backward: the op layer is not loaded");
  const o = ops;
  if (!root.requiresGrad) {
    throw new AutogradError("backward: tensor does not require grad and has no grad_fn (did you forget requiresGrad, or run inside noGrad?)");
  }
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new AutogradError(
        `backward: grad can be implicitly created only for scalar outputs; got shape ${fmtShape(root.shape)} — pass an upstream gradient of that shape`,
      );
    }
    grad = o.onesLike(root);
  } else if (!shapesEqual(grad.shape, root.shape)) {
    throw new AutogradError(`backward: upstream gradient has shape ${fmtShape(grad.shape)}, expected ${fmtShape(root.shape)}`);
  }
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  noGrad(() => {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const fn = t.gradFn;
      // A stored grad gets its own storage: the same upstream tensor often flows to several
      // inputs, and optimizers or clipping may modify .grad in place.
      if (!fn || t.retainsGrad) t.grad = t.grad ? o.add(t.grad, g) : o.clone(g);
      if (!fn) continue;
      if (!fn.backward) {
        throw new AutogradError(
          `backward: trying to backward through the graph a second time (at ${fn.name}); its buffers were freed — pass { retainGraph: true } to the first backward`,
        );
      }
      const inGrads = fn.backward(g);
      if (!options.retainGraph) fn.backward = null;
      fn.inputs.forEach((input, i) => {
        const gi = inGrads[i];
        if (!gi || !input.requiresGrad) return;
        const summed = shapesEqual(gi.shape, input.shape) ? gi : o.sumToShape(gi, input.shape);
        // Mixed-precision ops (float32 · float64) yield the promoted dtype; a gradient has its input's.
        const fitted = summed.dtype === input.dtype ? summed : summed.to(input.dtype);
        const prev = grads.get(input);
        grads.set(input, prev ? o.add(prev, fitted) : fitted);
      });
    }
  });
}

/** Tensors reachable from root through grad_fns, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep graphs (long RNN-like chains) must not overflow the JS stack.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (i < inputs.length) {
      top[1]++;
      const next = inputs[i];
      if (next.requiresGrad && !visited.has(next)) {
        visited.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
