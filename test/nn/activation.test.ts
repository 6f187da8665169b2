/**
 * Activations: each functional form against its definition written here as a scalar formula,
 * a float64 gradient check, and the module wrappers.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nn, tensor, gradcheck, randn, manualSeed, Tensor, ShapeError, ValueError } from "../../src/index.js";

const F = nn.F;
const sig = (x: number) => 1 / (1 + Math.exp(-x));
// erf by Simpson's rule on 2/√π ∫₀ˣ e^{−t²} dt: independent of the kernel's series.
function erfRef(x: number): number {
  const n = 2000;
  const h = x / n;
  let s = 1 + Math.exp(-x * x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}
const softplusRef = (x: number, b = 1, t = 20) => (b * x > t ? x : Math.log(1 + Math.exp(b * x)) / b);

type Case = [name: string, fn: (x: Tensor) => Tensor, ref: (x: number) => number];
const cases: Case[] = [
  ["relu", F.relu, (x) => Math.max(0, x)],
  ["relu6", F.relu6, (x) => Math.min(Math.max(0, x), 6)],
  ["sigmoid", F.sigmoid, sig],
  ["tanh", F.tanh, Math.tanh],
  ["leakyRelu 0.1", (x) => F.leakyRelu(x, 0.1), (x) => (x > 0 ? x : 0.1 * x)],
  ["elu 0.5", (x) => F.elu(x, 0.5), (x) => (x > 0 ? x : 0.5 * (Math.exp(x) - 1))],
  ["selu", F.selu, (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1))],
  ["celu 1.5", (x) => F.celu(x, 1.5), (x) => Math.max(0, x) + Math.min(0, 1.5 * (Math.exp(x / 1.5) - 1))],
  ["gelu", (x) => F.gelu(x), (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2))],
  ["gelu tanh", (x) => F.gelu(x, "tanh"), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
  ["silu", F.silu, (x) => x * sig(x)],
  ["swish", F.swish, (x) => x * sig(x)],
  ["mish", F.mish, (x) => x * Math.tanh(softplusRef(x))],
  ["softplus β2", (x) => F.softplus(x, 2), (x) => softplusRef(x, 2)],
  ["softsign", F.softsign, (x) => x / (1 + Math.abs(x))],
  ["hardsigmoid", F.hardsigmoid, (x) => Math.min(Math.max(x + 3, 0), 6) / 6],
  ["hardswish", F.hardswish, (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6],
  ["hardtanh", (x) => F.hardtanh(x, -0.5, 2), (x) => Math.min(Math.max(x, -0.5), 2)],
  ["exponential", F.exponential, Math.exp],
  ["linear", F.linearActivation, (x) => x],
];

// Points away from every kink (0, ±0.5, 2, ±3, 6) so finite differences are valid.
const points = [-7.3, -4.1, -2.7, -1.3, -0.77, -0.31, 0.23, 0.61, 1.37, 2.55, 4.4, 6.9];

describe("activations", () => {
  for (const [name, fn, ref] of cases) {
    it(`${name}: forward matches the definition`, () => {
      const got = fn(tensor(points, { dtype: "float64" })).toTypedArray();
      points.forEach((p, i) => assert.ok(Math.abs(got[i] - ref(p)) <= 1e-9 * (1 + Math.abs(ref(p))), `${name}(${p}) = ${got[i]}, want ${ref(p)}`));
    });
    it(`${name}: gradient check`, () => {
      assert.ok(gradcheck(fn, [tensor(points, { requiresGrad: true }).reshape(3, 4)]));
    });
  }

  it("softplus switches to linear above the threshold, like PyTorch", () => {
    assert.equal(F.softplus(tensor([30], { dtype: "float64" }), 1, 20).item(), 30);
  });

  it("softmax, logSoftmax and softmin along a dim", () => {
    const x = tensor([[1, 2, 3], [0, 0, 0]], { dtype: "float64" });
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const sm = F.softmax(x, 1).toArray() as number[][];
    assert.ok(Math.abs(sm[0][2] - Math.exp(3) / z) < 1e-12 && Math.abs(sm[1][0] - 1 / 3) < 1e-12);
    assert.ok(Math.abs((F.logSoftmax(x, 1).toArray() as number[][])[0][0] - (1 - Math.log(z))) < 1e-12);
    const smin = F.softmin(x, 1).toArray() as number[][];
    assert.ok(Math.abs(smin[0][0] - Math.exp(-1) / (Math.exp(-1) + Math.exp(-2) + Math.exp(-3))) < 1e-12);
  });

  it("hardtanh rejects minVal > maxVal", () => {
    assert.throws(() => F.hardtanh(tensor([1]), 2, 1), ValueError);
  });
});

describe("PReLU", () => {
  it("single shared slope: forward, and ∂/∂a = Σ 1(x<0)·x·g", () => {
    const m = new nn.PReLU();
    assert.equal(m.weight.item(), 0.25);
    const x = tensor([[-2, 3], [4, -1]]);
    const y = m.forward(x);
    assert.deepEqual(y.toArray(), [[-0.5, 3], [4, -0.25]]);
    y.sum().backward();
    assert.equal(m.weight.grad!.item(), -3);
  });

  it("per-channel slopes along dim 1, with gradient check", () => {
    manualSeed(3);
    const x = randn([2, 3, 4], { requiresGrad: true });
    const w = tensor([0.1, 0.2, 0.3], { requiresGrad: true });
    const y = F.prelu(x.double(), w.double()).toArray() as number[][][];
    const xs = x.toArray() as number[][][];
    for (let n = 0; n < 2; n++) for (let c = 0; c < 3; c++) for (let l = 0; l < 4; l++) {
      const v = xs[n][c][l];
      assert.ok(Math.abs(y[n][c][l] - (v > 0 ? v : [0.1, 0.2, 0.3][c] * v)) < 1e-6);
    }
    assert.ok(gradcheck(F.prelu, [x, w]));
    assert.throws(() => F.prelu(randn([2, 4]), tensor([0.1, 0.2, 0.3])), ShapeError);
  });
});

describe("Maxout", () => {
  it("takes the max over contiguous groups of k channels", () => {
    const x = tensor([[1, 5, 2, -1, 0, 3]]);
    assert.deepEqual(F.maxout(x, 2).toArray(), [[5, 2, 3]]);
    assert.deepEqual(F.maxout(x, 3).toArray(), [[5, 3]]);
    assert.deepEqual(new nn.Maxout(2).forward(x).shape, [1, 3]);
  });

  it("routes the gradient to the winner and checks divisibility", () => {
    const x = tensor([[1, 5, 2, -1, 0.5, 3]], { requiresGrad: true });
    F.maxout(x, 2).sum().backward();
    assert.deepEqual(x.grad!.toArray(), [[0, 1, 1, 0, 0, 1]]);
    assert.ok(gradcheck((t) => F.maxout(t, 2), [tensor([[0.3, -1.2, 2.2, 0.9], [1.1, 1.7, -0.4, -2]], { requiresGrad: true })]));
    assert.throws(() => F.maxout(tensor([[1, 2, 3]]), 2), /maxout: dim 1 of \[1,3\] \(size 3\) is not divisible into groups of k=2/);
  });

  it("follows a Linear to give the course's max over k linear pieces", () => {
    const net = new nn.Sequential(new nn.Linear(4, 6), new nn.Maxout(3));
    assert.deepEqual(net.forward(randn([5, 4])).shape, [5, 2]);
  });
});

describe("activation modules", () => {
  it("wrap the functional forms and print like PyTorch", () => {
    const x = tensor(points);
    const pairs: [nn.Layer, (t: Tensor) => Tensor][] = [
      [new nn.ReLU(), F.relu], [new nn.ReLU6(), F.relu6], [new nn.Sigmoid(), F.sigmoid], [new nn.Tanh(), F.tanh],
      [new nn.LeakyReLU(0.2), (t) => F.leakyRelu(t, 0.2)], [new nn.ELU(), F.elu], [new nn.SELU(), F.selu],
      [new nn.CELU(2), (t) => F.celu(t, 2)], [new nn.GELU("tanh"), (t) => F.gelu(t, "tanh")], [new nn.SiLU(), F.silu],
      [new nn.Swish(), F.silu], [new nn.Mish(), F.mish], [new nn.Softplus(2, 10), (t) => F.softplus(t, 2, 10)],
      [new nn.Softsign(), F.softsign], [new nn.Hardsigmoid(), F.hardsigmoid], [new nn.Hardswish(), F.hardswish],
      [new nn.Hardtanh(-2, 2), (t) => F.hardtanh(t, -2, 2)], [new nn.Exponential(), F.exponential],
      [new nn.Softmax(0), (t) => F.softmax(t, 0)], [new nn.LogSoftmax(0), (t) => F.logSoftmax(t, 0)], [new nn.Softmin(0), (t) => F.softmin(t, 0)],
    ];
    for (const [m, f] of pairs) assert.deepEqual(m.forward(x).toArray(), f(x).toArray(), m.toString());
    assert.equal(new nn.LeakyReLU(0.2).toString(), "LeakyReLU(negative_slope=0.2)");
    assert.equal(new nn.GELU().toString(), "GELU(approximate='none')");
    assert.equal(new nn.PReLU(3).toString(), "PReLU(num_parameters=3)");
    assert.deepEqual(Object.keys(new nn.PReLU(3).stateDict()), ["weight"]);
  });
});
