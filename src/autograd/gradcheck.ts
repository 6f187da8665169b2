/**
 * Numerical gradient check: compares the gradients from `backward` with central differences
 * (f(x+ε) − f(x−ε)) / 2ε computed in float64. The scalar checked is Σ out · v for a fixed
 * random upstream v, so non-scalar outputs are covered in one backward pass.
 */
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "./engine.js";
import { MyelinError, fmtShape } from "../errors.js";
import { Generator } from "../tensor/random.js";
import { allocArray } from "../tensor/dtype.js";

export class GradcheckError extends MyelinError {
  override name = "GradcheckError";
}

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Seed of the random upstream gradient (default 0). */
  seed?: number;
}

/**
 * Checks `fn`'s gradients with respect to every input that requires grad. Inputs are
 * converted to float64 leaves first. Throws a GradcheckError naming the input, element and
 * both values on mismatch; returns true otherwise.
 *
 * @example gradcheck((a, b) => a.mul(b).sum(), [randn([3], {requiresGrad: true}), randn([3], {requiresGrad: true})])
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  const xs = inputs.map((t) => {
    const d = noGrad(() => t.to("float64").contiguous().clone()).detach();
    if (t.requiresGrad) d.requiresGrad = true;
    return d;
  });
  const out = fn(...xs);
  const gen = new Generator(seed);
  const vData = allocArray("float64", out.size);
  for (let i = 0; i < vData.length; i++) vData[i] = gen.normal();
  const v = new Tensor(vData, out.shape);
  const scalar = () => {
    const o = noGrad(() => fn(...xs)).to("float64").toTypedArray();
    let s = 0;
    for (let i = 0; i < o.length; i++) s += o[i] * vData[i];
    return s;
  };
  if (!out.requiresGrad) throw new GradcheckError("gradcheck: the output does not require grad (no input requires grad, or fn detaches)");
  out.backward(v.to(out.dtype));
  xs.forEach((x, which) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad ? x.grad.to("float64").toTypedArray() : allocArray("float64", x.size);
    const data = x.data;
    for (let i = 0; i < x.size; i++) {
      const orig = data[i];
      data[i] = orig + eps;
      const plus = scalar();
      data[i] = orig - eps;
      const minus = scalar();
      data[i] = orig;
      const numeric = (plus - minus) / (2 * eps);
      if (!(Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric))) {
        throw new GradcheckError(
          `gradcheck: input ${which} (shape ${fmtShape(x.shape)}), element ${i}: numerical ${numeric} vs analytical ${analytic[i]}`,
        );
      }
    }
  });
  return true;
}
