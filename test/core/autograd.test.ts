/**
 * The autograd engine: chain rule, accumulation, fan-out, un-broadcasting, grad modes, detach,
 * retainGrad, explicit upstream gradients, and the errors for misuse. Expected gradients are
 * derived by hand in the comments.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  tensor, zeros, ones, noGrad, enableGrad, isGradEnabled, attach, AutogradError, DTypeError, Tensor,
} from "./core.js";
import { assertClose, assertThrows } from "./helpers.js";

describe("backward", () => {
  it("applies the chain rule through a composite expression", () => {
    // f = Σ sin(x)² · 3  ⇒  df/dx = 6 sin(x) cos(x)
    const xs = [0.3, -1.2, 2];
    const x = tensor(xs, { requiresGrad: true, dtype: "float64" });
    x.sin().square().mul(3).sum().backward();
    assertClose(x.grad!, xs.map((v) => 6 * Math.sin(v) * Math.cos(v)), 1e-12);
  });

  it("differentiates a two-input expression for both inputs", () => {
    // f = Σ (a·b + a/b)  ⇒  ∂a = b + 1/b, ∂b = a − a/b²
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([4, -0.5], { requiresGrad: true });
    a.mul(b).add(a.div(b)).sum().backward();
    assertClose(a.grad!, [4 + 0.25, -0.5 - 2]);
    assertClose(b.grad!, [1 - 1 / 16, 2 - 2 / 0.25]);
  });

  it("accumulates into .grad across two backward calls", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.square().sum().backward();
    assertClose(x.grad!, [2 + 2, 2 + 4, 2 + 6]);
  });

  it("sums gradients of a tensor used twice (and through shared subexpressions)", () => {
    const x = tensor([3], { requiresGrad: true });
    x.mul(x).backward(tensor([1])); // d(x²) = 2x
    assertClose(x.grad!, [6]);
    const y = tensor([2], { requiresGrad: true });
    const h = y.mul(3); // h used by two branches: f = h² + h  ⇒  df/dy = (2h + 1)·3 = 39
    h.square().add(h).sum().backward();
    assertClose(y.grad!, [39]);
  });

  it("un-broadcasts gradients to each input's shape", () => {
    const a = tensor([[1, 2, 3]], { requiresGrad: true }); // [1,3]
    const b = tensor([[1], [2]], { requiresGrad: true }); // [2,1]
    const c = tensor(2, { requiresGrad: true }); // []
    // f = Σ (a + b) · c over a [2,3] result
    a.add(b).mul(c).sum().backward();
    assertClose(a.grad!, [[4, 4, 4]]);
    assertClose(b.grad!, [[6], [6]]);
    assertClose(c.grad!, 2 * (1 + 2 + 3) + 3 * (1 + 2));
    const d = tensor([1, 2, 3], { requiresGrad: true });
    d.expand(4, 3).mul(tensor([[1], [2], [3], [4]])).sum().backward();
    assertClose(d.grad!, [10, 10, 10]);
  });

  it("takes an explicit upstream gradient for a non-scalar output", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.square().backward(tensor([1, 0, -1]));
    assertClose(x.grad!, [2, 0, -6]);
    const s = tensor([5], { requiresGrad: true });
    s.sum().backward(tensor(3));
    assertClose(s.grad!, [3]);
  });

  it("works on a leaf and gives .grad the leaf's own shape, dtype and storage", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const up = tensor([3, 4]);
    x.backward(up);
    assertClose(x.grad!, [3, 4]);
    assert.notEqual(x.grad!.data, up.data);
    const f = tensor([1, 2], { requiresGrad: true });
    f.mul(tensor([1, 1], { dtype: "float64" })).sum().backward();
    assert.equal(f.grad!.dtype, "float32");
    const e = tensor([[1, 2]], { requiresGrad: true });
    e.expand(3, 2).sum().backward();
    assert.ok(e.grad!.isContiguous());
    assert.deepEqual(e.grad!.shape, [1, 2]);
  });

  it("only reaches tensors that require grad", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const k = tensor([5, 6]);
    x.mul(k).sum().backward();
    assert.equal(k.grad, null);
    assertClose(x.grad!, [5, 6]);
  });

  it("handles deep graphs without overflowing the stack", () => {
    const x = tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    assertClose(x.grad!, [1]);
  });
});

describe("gradients at special points (PyTorch conventions)", () => {
  it("max/min over all elements share the gradient among ties; along a dim it goes to the first", () => {
    const x = tensor([3, 1, 3], { requiresGrad: true });
    x.max().backward();
    assertClose(x.grad!, [0.5, 0, 0.5]);
    const y = tensor([[2, 2], [1, 1]], { requiresGrad: true });
    y.min(1).values.sum().backward();
    assertClose(y.grad!, [[1, 0], [1, 0]]);
  });

  it("maximum/minimum split the gradient evenly on ties", () => {
    const a = tensor([3, 1, 3], { requiresGrad: true });
    const b = tensor([3, 2, 1], { requiresGrad: true });
    a.maximum(b).sum().backward();
    assertClose(a.grad!, [0.5, 0, 1]);
    assertClose(b.grad!, [0.5, 1, 0]);
  });

  it("pow: ∂/∂a is 0 where b = 0; ∂/∂b is 0 where a = 0 and b ≥ 0", () => {
    const a = tensor([0, 0, 2, 0], { requiresGrad: true });
    const b = tensor([0, 2, 0, 0.5], { requiresGrad: true });
    a.pow(b).sum().backward();
    // ∂a = b·a^(b−1): 0 (b = 0), 2·0 = 0, 0 (b = 0), 0.5·0^(−0.5) = inf
    assertClose(a.grad!, [0, 0, 0, Infinity]);
    // ∂b = a^b·ln a: 0, 0, 1·ln 2, 0
    assertClose(b.grad!, [0, 0, Math.LN2, 0]);
  });

  it("relu, abs and clamp use the subgradient PyTorch uses at the kink", () => {
    const x = tensor([0, 0, 1], { requiresGrad: true });
    x.relu().add(x.abs()).add(x.clamp(0, 1)).sum().backward();
    // relu'(0) = 0, abs'(0) = 0, clamp' = 1 on the closed interval [0, 1]
    assertClose(x.grad!, [1, 1, 3]);
  });
});

describe("graph bookkeeping", () => {
  it("results of recorded ops are non-leaves with a named gradFn", () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(2);
    assert.equal(x.isLeaf, true);
    assert.equal(y.isLeaf, false);
    assert.equal(y.requiresGrad, true);
    assert.equal(y.gradFn!.name, "mul");
    assert.deepEqual(y.gradFn!.inputs[0], x);
    assert.equal(tensor([1]).mul(2).requiresGrad, false);
  });

  it("noGrad records nothing and restores the mode, even on throw; enableGrad re-enables", () => {
    const x = tensor([1], { requiresGrad: true });
    assert.equal(noGrad(() => x.mul(2)).requiresGrad, false);
    assert.equal(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad, true);
    assert.equal(noGrad(() => noGrad(() => isGradEnabled())), false);
    assert.throws(() => noGrad(() => { throw new Error("boom"); }));
    assert.equal(isGradEnabled(), true);
    assert.equal(enableGrad(() => isGradEnabled()), true);
  });

  it("detach shares storage and cuts the graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    const d = y.detach();
    assert.equal(d.data, y.data);
    assert.equal(d.requiresGrad, false);
    assert.equal(d.gradFn, null);
    // f = Σ x·detach(x): only the first factor carries gradient ⇒ grad = x
    x.mul(x.detach()).sum().backward();
    assertClose(x.grad!, [1, 2]);
  });

  it("retainGrad keeps the gradient of a non-leaf; others stay null", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const h = x.mul(3).retainGrad();
    const g = h.square();
    g.sum().backward();
    assertClose(h.grad!, [6, 12]); // 2h
    assertClose(x.grad!, [18, 36]);
    assert.equal(g.grad, null);
  });

  it("retainGraph allows a second backward through the same graph", () => {
    const x = tensor([2], { requiresGrad: true });
    const y = x.square().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    assertClose(x.grad!, [8]);
  });

  it("requiresGrad_ toggles a leaf; a non-leaf cannot be switched off", () => {
    const x = tensor([1]).requiresGrad_();
    assert.equal(x.requiresGrad, true);
    x.requiresGrad_(false);
    assert.equal(x.requiresGrad, false);
    const y = tensor([1], { requiresGrad: true }).mul(2);
    assertThrows(() => { y.requiresGrad = false; }, AutogradError, /^requiresGrad: cannot turn off on a non-leaf tensor/);
  });

  it("custom ops recorded with attach take part in backward", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const cube = (t: Tensor) => attach(noGrad(() => t.pow(3)), "cube", [t], (g) => [g.mul(t.square()).mul(3)]);
    cube(x).sum().backward();
    assertClose(x.grad!, [3, 12]);
  });
});

describe("misuse errors", () => {
  it("backward on a non-scalar without a gradient", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    assertThrows(
      () => x.mul(2).backward(),
      AutogradError,
      "backward: grad can be implicitly created only for scalar outputs; got shape [2] — pass an upstream gradient of that shape",
    );
  });

  it("backward with an upstream gradient of the wrong shape", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    assertThrows(() => x.mul(2).backward(ones([3])), AutogradError, "backward: upstream gradient has shape [3], expected [2]");
  });

  it("backward twice through a freed graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2).sum();
    y.backward();
    assertThrows(() => y.backward(), AutogradError, /^backward: trying to backward through the graph a second time \(at sum\)/);
  });

  it("backward on a tensor that does not require grad", () => {
    assertThrows(() => zeros([1]).sum().backward(), AutogradError, /^backward: tensor does not require grad/);
    const x = tensor([1], { requiresGrad: true });
    assertThrows(() => noGrad(() => x.mul(2)).backward(), AutogradError, /does not require grad/);
  });

  it("requiresGrad on an integer or bool tensor", () => {
    assertThrows(() => tensor([1], { dtype: "int32" }).requiresGrad_(), DTypeError, "requiresGrad: only floating-point tensors can require gradients, got int32");
    assertThrows(() => tensor([1], { dtype: "bool", requiresGrad: true }), DTypeError, /got bool/);
  });

  it("in-place writes to a tensor that requires grad, outside noGrad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    assertThrows(() => w.fill_(0), AutogradError, "fill_: in-place operation on a tensor that requires grad; wrap it in noGrad(() => …)");
    assertThrows(() => w.copy_(zeros([2])), AutogradError, /^copy_: in-place operation/);
    noGrad(() => w.copy_(tensor([5])));
    assertClose(w, [5, 5]);
  });
});
