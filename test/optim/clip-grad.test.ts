/** Gradient clipping: norms computed by hand, the in-place scaling rule, skipped params, errors. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, ValueError, MyelinError } from "../../src/index.js";
import { clipGradNorm_, clipGradValue_ } from "../../src/optim/index.js";
import { assertNear, param, values } from "./helpers.js";

/** Two parameters with gradients [3, 4] and [12] (joint 2-norm 13, 1-norm 19, ∞-norm 12). */
function setup(dtype: "float32" | "float64" = "float64") {
  const a = param([0, 0], [2], dtype), b = param([0], [1], dtype), c = param([0], [1], dtype);
  a.grad = tensor([3, -4], { dtype });
  b.grad = tensor([12], { dtype });
  return { a, b, c };
}

describe("clipGradNorm_", () => {
  it("returns the joint 2-norm and scales by maxNorm / (norm + 1e-6)", () => {
    const { a, b, c } = setup();
    const total = clipGradNorm_([a, b, c], 6.5);
    assert.equal(total, 13);
    const k = 6.5 / (13 + 1e-6);
    assertNear(values(a.grad!), [3 * k, -4 * k]);
    assertNear(values(b.grad!), [12 * k]);
    assert.equal(c.grad, null);
  });

  it("leaves gradients alone when the norm is within maxNorm", () => {
    const { a, b } = setup();
    assert.equal(clipGradNorm_([a, b], 20), 13);
    assert.deepEqual(values(a.grad!), [3, -4]);
    assert.deepEqual(values(b.grad!), [12]);
  });

  it("other norms: p = 1, p = 3, Infinity", () => {
    let s = setup();
    assert.equal(clipGradNorm_([s.a, s.b], 100, 1), 19);
    s = setup();
    assertNear([clipGradNorm_([s.a, s.b], 100, 3)], [(27 + 64 + 1728) ** (1 / 3)]);
    s = setup();
    assert.equal(clipGradNorm_([s.a, s.b], 6, Infinity), 12);
    assertNear(values(s.b.grad!), [(12 * 6) / (12 + 1e-6)]);
  });

  it("accepts a single tensor, float32 grads, and no grads at all", () => {
    const { b } = setup("float32");
    assertNear([clipGradNorm_(b, 3)], [12]);
    assertNear(values(b.grad!), [3], 1e-6);
    assert.equal(clipGradNorm_([param([1])], 1), 0);
  });

  it("scales a non-contiguous gradient in place", () => {
    const p = param([0, 0, 0, 0], [2, 2]);
    const g = tensor([[3, 0], [4, 0]], { dtype: "float64" }).transpose(0, 1); // [[3, 4], [0, 0]], strided
    p.grad = g;
    assert.equal(clipGradNorm_([p], 2.5), 5);
    assert.equal(p.grad, g);
    const k = 2.5 / (5 + 1e-6);
    assertNear(values(g), [3 * k, 4 * k, 0, 0]);
  });

  it("non-finite norms: NaN poisons the grads (as in PyTorch) unless errorIfNonfinite", () => {
    const { a, b } = setup();
    b.grad = tensor([NaN], { dtype: "float64" });
    assert.throws(() => clipGradNorm_([a, b], 1, 2, true), (e: unknown) => e instanceof MyelinError && /total norm of order 2 of the gradients is NaN/.test((e as Error).message));
    assert.ok(Number.isNaN(clipGradNorm_([a, b], 1)));
    assert.ok(values(a.grad!).every(Number.isNaN));
  });

  it("rejects bad arguments", () => {
    const { a } = setup();
    assert.throws(() => clipGradNorm_([a], -1), (e: unknown) => e instanceof ValueError && /clipGradNorm_: maxNorm should be a number ≥ 0, got -1/.test((e as Error).message));
    assert.throws(() => clipGradNorm_([a], 1, 0), /normType should be a number > 0 or Infinity, got 0/);
    assert.throws(() => clipGradNorm_([5 as never], 1), /clipGradNorm_: expected Tensors, got 5/);
  });
});

describe("clipGradValue_", () => {
  it("clamps each element to [−c, c] in place", () => {
    const { a, b, c } = setup();
    clipGradValue_([a, b, c], 3.5);
    assert.deepEqual(values(a.grad!), [3, -3.5]);
    assert.deepEqual(values(b.grad!), [3.5]);
    assert.equal(c.grad, null);
  });

  it("handles strided grads and rejects a negative clip value", () => {
    const p = param([0, 0, 0, 0], [2, 2]);
    p.grad = tensor([[5, -1], [-7, 2]], { dtype: "float64" }).transpose(0, 1);
    clipGradValue_(p, 2);
    assert.deepEqual(values(p.grad), [2, -2, -1, 2]);
    assert.throws(() => clipGradValue_(p, -1), /clipGradValue_: clipValue should be a number ≥ 0, got -1/);
  });
});
