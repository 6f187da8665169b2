import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nn, tensor, zeros, ones, randn, manualSeed, gradcheck, ShapeError, ValueError, DTypeError, Tensor } from "../../src/index.js";

const { Module, Parameter, Sequential, Linear, ReLU, ModuleList, ModuleDict, Residual, Concat, Identity, Flatten } = nn;

class Block extends Module {
  fc1 = new Linear(4, 3);
  act = new ReLU();
  readonly runningMean: Tensor;
  scaleFactor = new Parameter(ones([1]));
  constructor() {
    super();
    this.runningMean = this.registerBuffer("running_mean", zeros([3]));
  }
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc1.forward(x)).mul(this.scaleFactor);
  }
}

describe("Module", () => {
  it("names and orders parameters and buffers like PyTorch (own before children, snake_case, Sequential indices)", () => {
    const net = new Sequential(new Block(), new Linear(3, 2));
    assert.deepEqual(Object.keys(net.stateDict()), [
      "0.scale_factor", "0.running_mean", "0.fc1.weight", "0.fc1.bias", "1.weight", "1.bias",
    ]);
    assert.deepEqual(net.namedParameters().map(([k]) => k), ["0.scale_factor", "0.fc1.weight", "0.fc1.bias", "1.weight", "1.bias"]);
    assert.equal(net.countParameters(), 4 * 3 + 3 + 1 + 3 * 2 + 2);
    assert.deepEqual(net.namedBuffers().map(([k]) => k), ["0.running_mean"]);
  });

  it("counts a shared parameter once", () => {
    const shared = new Linear(2, 2);
    const net = new Sequential(shared, shared);
    assert.equal(net.parameters().length, 2);
  });

  it("train() and eval() reach every descendant", () => {
    const net = new Sequential(new Block(), new Sequential(new ReLU()));
    net.eval();
    assert.ok(net.modules().every((m) => !m.training));
    net.train();
    assert.ok(net.modules().every((m) => m.training));
  });

  it("apply visits children before the parent", () => {
    const net = new Sequential(new Linear(1, 1), new ReLU());
    const seen: string[] = [];
    net.apply((m) => seen.push(m.constructor.name));
    assert.deepEqual(seen, ["Linear", "ReLU", "Sequential"]);
  });

  it("loadStateDict copies values and round-trips", () => {
    manualSeed(1);
    const a = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
    manualSeed(2);
    const b = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
    const x = tensor([[1, 2, 3]]);
    assert.notDeepEqual(a.forward(x).toArray(), b.forward(x).toArray());
    const res = b.loadStateDict(a.stateDict());
    assert.deepEqual(res, { missingKeys: [], unexpectedKeys: [] });
    assert.deepEqual(a.forward(x).toArray(), b.forward(x).toArray());
    // values are copied, not aliased
    assert.notEqual(a.at(0).stateDict().weight.data, b.at(0).stateDict().weight.data);
  });

  it("strict loadStateDict names missing and unexpected keys; non-strict reports them", () => {
    const net = new Sequential(new Linear(2, 2));
    const sd = { "0.weight": zeros([2, 2]), extra: zeros([1]) };
    assert.throws(() => net.loadStateDict(sd), (e: Error) => e instanceof ValueError && /missing keys: 0\.bias/.test(e.message) && /unexpected keys: extra/.test(e.message));
    const res = net.loadStateDict(sd, { strict: false });
    assert.deepEqual(res, { missingKeys: ["0.bias"], unexpectedKeys: ["extra"] });
    assert.deepEqual(net.at(0).stateDict().weight.toArray(), [[0, 0], [0, 0]]);
  });

  it("loadStateDict rejects a shape mismatch even when not strict", () => {
    const net = new Linear(2, 3);
    assert.throws(
      () => net.loadStateDict({ weight: zeros([3, 4]), bias: zeros([3]) }, { strict: false }),
      (e: Error) => e instanceof ShapeError && e.message.includes("weight: checkpoint [3,4] vs model [3,2]"),
    );
  });

  it("prints like PyTorch", () => {
    const net = new Sequential(new Linear(2, 2), new ReLU(), new Sequential(new Linear(2, 1, { bias: false })));
    assert.equal(
      net.toString(),
      [
        "Sequential(",
        "  (0): Linear(in_features=2, out_features=2, bias=True)",
        "  (1): ReLU()",
        "  (2): Sequential(",
        "    (0): Linear(in_features=2, out_features=1, bias=False)",
        "  )",
        ")",
      ].join("\n"),
    );
  });

  it("zeroGrad clears parameter gradients", () => {
    const net = new Linear(2, 1);
    net.forward(tensor([[1, 2]])).sum().backward();
    assert.ok(net.weight.grad);
    net.zeroGrad();
    assert.equal(net.weight.grad, null);
  });
});

describe("containers", () => {
  it("ModuleList and ModuleDict register their members", () => {
    class Net extends Module {
      blocks = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
      heads = new ModuleDict({ cls: new Linear(2, 3) });
      forward(x: Tensor): Tensor {
        for (const b of this.blocks) x = (b as InstanceType<typeof Linear>).forward(x);
        return (this.heads.get("cls") as InstanceType<typeof Linear>).forward(x);
      }
    }
    const net = new Net();
    assert.deepEqual(Object.keys(net.stateDict()), ["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "heads.cls.weight", "heads.cls.bias"]);
    assert.deepEqual(net.forward(zeros([1, 2])).shape, [1, 3]);
  });

  it("Residual adds the shortcut (identity by default) and Concat joins branches", () => {
    const x = tensor([[1, -2]]);
    const res = new Residual(new ReLU());
    assert.deepEqual(res.forward(x).toArray(), [[2, -2]]);
    const proj = new Residual(new ReLU(), new Identity());
    assert.deepEqual(proj.forward(x).toArray(), [[2, -2]]);
    const cat = new Concat([new Identity(), new ReLU()], 1);
    assert.deepEqual(cat.forward(x).toArray(), [[1, -2, 1, 0]]);
  });

  it("Sequential gives gradients to every layer", () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Flatten(), new Linear(4, 1));
    net.forward(ones([2, 3])).sum().backward();
    assert.ok(net.parameters().every((p) => p.grad !== null));
  });
});

describe("Linear", () => {
  it("computes x Wᵀ + b and checks the input width", () => {
    const fc = new Linear(2, 1);
    fc.loadStateDict({ weight: tensor([[2, 3]]), bias: tensor([1]) });
    assert.deepEqual(fc.forward(tensor([[1, 1], [2, 0]])).toArray(), [[6], [5]]);
    assert.throws(() => fc.forward(zeros([4, 3])), /linear\(2→1\): expected input with last dimension 2, got \[4,3\]/);
  });

  it("is one op with correct gradients for N-D, non-contiguous inputs, with and without bias", () => {
    manualSeed(5);
    const x = randn([4, 3, 2], { requiresGrad: true }).permute(2, 0, 1); // [2,4,3], strided
    const w = randn([5, 3], { requiresGrad: true });
    const b = randn([5], { requiresGrad: true });
    assert.ok(gradcheck((xx, ww, bb) => nn.F.linear(xx, ww, bb), [x, w, b]));
    assert.ok(gradcheck((xx, ww) => nn.F.linear(xx, ww), [x, w]));
    const y = nn.F.linear(x, w, b);
    assert.equal(y.gradFn?.name, "linear");
    assert.deepEqual(y.shape, [2, 4, 5]);
  });

  it("rejects mismatched dtypes and bias shapes", () => {
    assert.throws(() => nn.F.linear(zeros([2, 3], { dtype: "float64" }), zeros([4, 3])), DTypeError);
    assert.throws(() => nn.F.linear(zeros([2, 3]), zeros([4, 3]), zeros([3])), /linear\(3→4\): bias must be \[4\], got \[3\]/);
  });

  it("initializes within PyTorch's bounds U(±1/√in)", () => {
    const fc = new Linear(100, 50);
    const bound = 1 / Math.sqrt(100);
    for (const v of fc.weight.toTypedArray()) assert.ok(Math.abs(v) <= bound);
    for (const v of fc.bias!.toTypedArray()) assert.ok(Math.abs(v) <= bound);
  });
});

describe("Bilinear", () => {
  /** y[r, o] = Σ_i Σ_j x1[r, i]·w[o, i, j]·x2[r, j] + b[o], by loops over plain arrays. */
  function bilinearLoops(x1: number[][], x2: number[][], w: number[][][], b: number[] | null): number[][] {
    return x1.map((a, r) => w.map((A, o) => A.reduce((s, row, i) => s + row.reduce((t, wij, j) => t + a[i] * wij * x2[r][j], 0), 0) + (b ? b[o] : 0)));
  }

  it("computes x1ᵀ A x2 + b per output, over any leading dims", () => {
    manualSeed(3);
    const bl = new nn.Bilinear(3, 2, 4);
    const x1 = randn([2, 5, 3]), x2 = randn([2, 5, 2]);
    const y = bl.forward(x1, x2);
    assert.deepEqual(y.shape, [2, 5, 4]);
    const rows = (t: Tensor, k: number) => (t.reshape(-1, k).toArray() as number[][]);
    const want = bilinearLoops(rows(x1, 3), rows(x2, 2), bl.weight.toArray() as number[][][], bl.bias!.toArray() as number[]);
    const got = rows(y, 4);
    want.forEach((row, r) => row.forEach((v, o) => assert.ok(Math.abs(got[r][o] - v) < 1e-5, `y[${r}, ${o}] = ${got[r][o]}, want ${v}`)));
    assert.deepEqual(Object.keys(bl.stateDict()), ["weight", "bias"]);
    assert.deepEqual(bl.weight.shape, [4, 3, 2]);
    assert.equal(bl.toString(), "Bilinear(in1_features=3, in2_features=2, out_features=4, bias=True)");
  });

  it("has correct gradients for both inputs, the weight and the bias", () => {
    manualSeed(8);
    const x1 = randn([3, 2], { requiresGrad: true }), x2 = randn([3, 4], { requiresGrad: true });
    const w = randn([5, 2, 4], { requiresGrad: true }), b = randn([5], { requiresGrad: true });
    assert.ok(gradcheck((a, c, ww, bb) => nn.F.bilinear(a, c, ww, bb), [x1, x2, w, b]));
    assert.ok(gradcheck((a, c, ww) => nn.F.bilinear(a, c, ww), [x1, x2, w]));
  });

  it("names mismatched shapes and dtypes", () => {
    const w = zeros([4, 3, 2]);
    assert.throws(() => nn.F.bilinear(zeros([5, 2]), zeros([5, 2]), w), /bilinear\(3×2→4\): expected input1 with last dimension 3, got \[5,2\]/);
    assert.throws(() => nn.F.bilinear(zeros([5, 3]), zeros([5, 3]), w), /expected input2 with last dimension 2, got \[5,3\]/);
    assert.throws(() => nn.F.bilinear(zeros([5, 3]), zeros([6, 2]), w), /input1 \[5,3\] and input2 \[6,2\] must have the same leading dimensions/);
    assert.throws(() => nn.F.bilinear(zeros([5, 3]), zeros([5, 2]), zeros([4, 3])), /weight must be \[out, in1, in2\], got \[4,3\]/);
    assert.throws(() => nn.F.bilinear(zeros([5, 3]), zeros([5, 2]), w, zeros([3])), /bias must be \[4\], got \[3\]/);
    assert.throws(() => nn.F.bilinear(zeros([5, 3]), zeros([5, 2], { dtype: "float64" }), w), DTypeError);
  });

  it("initializes weight and bias within PyTorch's bounds U(±1/√in1); bias can be off", () => {
    const bl = new nn.Bilinear(64, 10, 8);
    const bound = 1 / Math.sqrt(64);
    for (const v of bl.weight.toTypedArray()) assert.ok(Math.abs(v) <= bound);
    for (const v of bl.bias!.toTypedArray()) assert.ok(Math.abs(v) <= bound);
    assert.equal(new nn.Bilinear(2, 2, 1, { bias: false }).bias, null);
  });
});

describe("Module.to", () => {
  it("converts parameters and buffers, keeping fields and state dict in sync", () => {
    class WithBuffer extends Module {
      fc = new Linear(2, 2);
      readonly stats: Tensor;
      constructor() {
        super();
        this.stats = this.registerBuffer("stats", ones([2]));
      }
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).add(this.stats);
      }
    }
    const m = new WithBuffer().double();
    assert.equal(m.fc.weight.dtype, "float64");
    assert.equal(m.stats.dtype, "float64");
    assert.equal(m.stateDict().stats, m.stats);
    assert.equal(m.stateDict()["fc.weight"], m.fc.weight);
    assert.equal(m.forward(tensor([[1, 2]], { dtype: "float64" })).dtype, "float64");
    assert.ok(m.fc.weight instanceof Parameter && m.fc.weight.requiresGrad);
  });
});
