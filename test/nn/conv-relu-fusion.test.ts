/**
 * A convolution followed by ReLU in a Sequential runs as one kernel call with the ReLU in the
 * convolution's epilogue. It must be invisible: the same bits, forward and backward, as running
 * the two layers one after the other, on every backend, algorithm and thread count; and layers
 * whose own code must run (subclasses overriding forward, a ReLU subclass, transposed
 * convolutions) are not fused.
 */
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import {
  getBackend, gradcheck, listBackends, noGrad, randn, setBackend, setNumThreads, Generator, type Tensor,
} from "../../src/index.js";
import { Sequential, type Layer } from "../../src/nn/containers.js";
import { Conv1d, Conv2d, ConvTranspose2d } from "../../src/nn/layers/conv.js";
import { ReLU, Sigmoid } from "../../src/nn/layers/activation.js";
import { MaxPool2d, MinPool2d } from "../../src/nn/layers/pooling.js";
import { conv2d, convNd, convReluMaxPoolNd, type ConvOptions } from "../../src/nn/functional/conv.js";
import type { WindowGeometry } from "../../src/backend/backend.js";
import type { ConvAlgorithmChoice } from "../../src/nn/functional/conv/algorithm.js";
import { relu } from "../../src/ops/elementwise.js";

const before = getBackend();
after(() => setBackend(before));

/** Inputs with exact zeros, −0 and NaN, so the epilogue's ReLU meets every special case. */
function specialInput(shape: number[], gen: Generator): Tensor {
  const x = randn(shape, { generator: gen });
  const d = x.data as Float32Array;
  for (let i = 0; i < d.length; i += 7) d[i] = [0, -0, NaN][i % 3];
  return x;
}

const sameBits = (a: Tensor | null, b: Tensor | null, what: string) => {
  assert.ok(a && b, `${what}: both exist`);
  assert.deepEqual(Array.from(a.toTypedArray()), Array.from(b.toTypedArray()), `${what}: identical`);
};

/**
 * Runs conv → ReLU (→ pool) fused (Sequential) and one layer after the other; compares the output
 * and every gradient bit for bit.
 */
function checkFusedEqualsUnfused(conv: Conv1d | Conv2d, x: Tensor, label: string, pool?: Layer): void {
  const fusedNet = pool ? new Sequential(conv, new ReLU(), pool) : new Sequential(conv, new ReLU());
  const xa = x.detach().requiresGrad_(), xb = x.detach().requiresGrad_();
  const yFused = fusedNet.forward(xa);
  // (An unbatched result is a squeezed view of the fused op's.)
  const fusedOp = x.ndim === conv.spatialDims + 2 ? yFused.gradFn : yFused.gradFn?.inputs[0].gradFn;
  assert.match(fusedOp?.name ?? "", pool ? /\+relu\+maxPool$/ : /\+relu$/, `${label}: Sequential fused the layers`);
  const yPlain = pool ? pool.forward(relu(conv.forward(xb))) : relu(conv.forward(xb));
  sameBits(yFused, yPlain, `${label} output`);

  const g = randn(yFused.shape as number[], { generator: new Generator(3) });
  conv.zeroGrad();
  yFused.backward(g);
  const fusedGrads = [xa.grad, conv.weight.grad, conv.bias?.grad ?? null];
  conv.zeroGrad();
  yPlain.backward(g);
  const plainGrads = [xb.grad, conv.weight.grad, conv.bias?.grad ?? null];
  sameBits(fusedGrads[0], plainGrads[0], `${label} dx`);
  sameBits(fusedGrads[1], plainGrads[1], `${label} dW`);
  if (conv.bias) sameBits(fusedGrads[2], plainGrads[2], `${label} db`);
}

describe("Conv → ReLU fusion in Sequential", () => {
  const cases: { label: string; make: () => Conv1d | Conv2d; shape: number[]; algorithm?: ConvAlgorithmChoice }[] = [
    { label: "LeNet conv 5x5 pad 2 (im2col)", make: () => new Conv2d(3, 8, 5, { padding: 2 }), shape: [4, 3, 12, 12] },
    { label: "no bias, stride 2", make: () => new Conv2d(4, 6, 3, { stride: 2, bias: false }), shape: [2, 4, 9, 11] },
    { label: "grouped", make: () => new Conv2d(4, 6, 3, { groups: 2, padding: 1 }), shape: [2, 4, 7, 7] },
    { label: "depthwise (direct)", make: () => Conv2d.depthwise(5, 3, { padding: 1, depthMultiplier: 2 }), shape: [3, 5, 10, 9] },
    { label: "1-D", make: () => new Conv1d(3, 4, 3), shape: [2, 3, 17] },
    { label: "Winograd", make: () => new Conv2d(3, 4, 3, { padding: 1, algorithm: "winograd" }), shape: [2, 3, 8, 8] },
    { label: "FFT", make: () => new Conv2d(3, 4, 3, { algorithm: "fft" }), shape: [2, 3, 8, 8] },
  ];
  for (const backend of listBackends()) {
    it(`${backend}: output and gradients equal conv then relu, bit for bit`, () => {
      setBackend(backend);
      const gen = new Generator(11);
      for (const c of cases) checkFusedEqualsUnfused(c.make(), specialInput(c.shape, gen), `${backend} ${c.label}`);
    });
  }

  const poolCases: { label: string; make: () => Conv2d; pool: () => Layer; shape: number[] }[] = [
    { label: "LeNet: 5x5 pad 2, pool 2", make: () => new Conv2d(3, 8, 5, { padding: 2 }), pool: () => new MaxPool2d(2), shape: [4, 3, 12, 12] },
    { label: "odd sizes, pool 2 (last row/column dropped)", make: () => new Conv2d(2, 5, 3), pool: () => new MaxPool2d(2), shape: [3, 2, 12, 9] },
    { label: "pool 3 stride 3 pad 1, ceil mode", make: () => new Conv2d(2, 4, 3, { padding: 1, bias: false }), pool: () => new MaxPool2d(3, { padding: 1, ceilMode: true }), shape: [2, 2, 10, 11] },
    { label: "pool 2x3 stride 3x4 (gaps)", make: () => new Conv2d(3, 4, 3, { groups: 1 }), pool: () => new MaxPool2d([2, 3], { stride: [3, 4] }), shape: [2, 3, 13, 15] },
    { label: "depthwise then pool", make: () => Conv2d.depthwise(4, 3, { padding: 1 }), pool: () => new MaxPool2d(2), shape: [2, 4, 8, 8] },
    { label: "Winograd then pool", make: () => new Conv2d(2, 3, 3, { padding: 1, algorithm: "winograd" }), pool: () => new MaxPool2d(2), shape: [2, 2, 8, 8] },
    { label: "unbatched input", make: () => new Conv2d(2, 3, 3, { padding: 1 }), pool: () => new MaxPool2d(2), shape: [2, 6, 6] },
  ];
  for (const backend of listBackends()) {
    it(`${backend}: conv → ReLU → MaxPool2d fused equals the three layers, bit for bit`, () => {
      setBackend(backend);
      const gen = new Generator(12);
      for (const c of poolCases) checkFusedEqualsUnfused(c.make(), specialInput(c.shape, gen), `${backend} ${c.label}`, c.pool());
    });
  }

  it("wasm: the fused kernels give the same bits on 1 and 2 threads", { skip: !listBackends().includes("wasm") }, async () => {
    setBackend("wasm");
    const conv = new Conv2d(6, 16, 3, { padding: 1 });
    const nets = [new Sequential(conv, new ReLU()), new Sequential(conv, new ReLU(), new MaxPool2d(2))];
    const x = specialInput([8, 6, 20, 20], new Generator(5));
    for (const net of nets) {
      await setNumThreads(1);
      const one = noGrad(() => net.forward(x));
      await setNumThreads(2);
      const two = noGrad(() => net.forward(x));
      sameBits(one, two, "1 vs 2 threads");
    }
  });

  for (const backend of listBackends()) {
    it(`${backend}: without a graph (noGrad) the fused conv → ReLU → MaxPool2d gives the same values and records nothing`, () => {
      setBackend(backend);
      const net = new Sequential(new Conv2d(3, 8, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2));
      const x = specialInput([3, 3, 12, 12], new Generator(8));
      const recorded = net.forward(x);
      assert.match(recorded.gradFn?.name ?? "", /\+relu\+maxPool$/);
      const inference = noGrad(() => net.forward(x));
      assert.equal(inference.gradFn, null);
      assert.equal(inference.requiresGrad, false);
      sameBits(inference, recorded, `${backend} noGrad vs recorded`);
    });
  }

  it("pooling is fused only when its windows do not overlap and it is a plain MaxPool2d", () => {
    setBackend(before);
    const x = randn([2, 2, 9, 9], { requiresGrad: true });
    const conv = new Conv2d(2, 3, 3, { padding: 1 });
    const names = (pool: Layer) => new Sequential(conv, new ReLU(), pool).forward(x).gradFn?.name ?? "";
    assert.match(names(new MaxPool2d(2)), /\+relu\+maxPool$/);
    assert.doesNotMatch(names(new MaxPool2d(3, { stride: 2 })), /maxPool$/); // overlapping windows
    assert.doesNotMatch(names(new MaxPool2d(2, { dilation: 2 })), /maxPool$/);
    assert.doesNotMatch(names(new MinPool2d(2)), /maxPool$/);
    class Logged extends MaxPool2d {}
    assert.doesNotMatch(names(new Logged(2)), /maxPool$/);
  });

  it("the fused op passes a float64 gradient check", () => {
    const gen = new Generator(2);
    const x = randn([2, 2, 5, 5], { dtype: "float64", generator: gen, requiresGrad: true });
    const w = randn([3, 2, 3, 3], { dtype: "float64", generator: gen, requiresGrad: true });
    const b = randn([3], { dtype: "float64", generator: gen, requiresGrad: true });
    const options: ConvOptions = { padding: 1, activation: "relu" };
    assert.ok(gradcheck((xx, ww, bb) => convNd(2, xx, ww, bb, options), [x, w, b]));
  });

  it("the fused convolution → ReLU → max pooling passes a float64 gradient check", () => {
    setBackend(before);
    const gen = new Generator(6);
    const x = randn([2, 2, 6, 6], { dtype: "float64", generator: gen, requiresGrad: true });
    const w = randn([3, 2, 3, 3], { dtype: "float64", generator: gen, requiresGrad: true });
    const b = randn([3], { dtype: "float64", generator: gen, requiresGrad: true });
    const pool = (shape: readonly number[]): WindowGeometry =>
      ({ kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], outSize: [Math.floor(shape[2] / 2), Math.floor(shape[3] / 2)] });
    assert.ok(gradcheck((xx, ww, bb) => convReluMaxPoolNd(2, xx, ww, bb, { padding: 1 }, pool, "conv2d"), [x, w, b]));
  });

  it("F.conv2d's activation option: relu(conv2d(…)) in one kernel; anything but \"relu\" is refused", () => {
    setBackend(before);
    const gen = new Generator(4);
    const x = specialInput([2, 3, 6, 6], gen), w = randn([4, 3, 3, 3], { generator: gen }), b = randn([4], { generator: gen });
    sameBits(conv2d(x, w, b, { padding: 1, activation: "relu" }), relu(conv2d(x, w, b, { padding: 1 })), "conv2d activation relu");
    assert.throws(() => conv2d(x, w, b, { activation: "gelu" as "relu" }), /conv2d: activation must be "relu" \(or omitted\), got "gelu"/);
  });

  it("is skipped where the layers' own code must run", () => {
    setBackend(before);
    const x = randn([1, 2, 6, 6]);
    // A subclass overriding forward: its forward runs.
    let calls = 0;
    class Counted extends Conv2d {
      override forward(t: Tensor): Tensor {
        calls++;
        return super.forward(t);
      }
    }
    const counted = new Counted(2, 3, 3);
    new Sequential(counted, new ReLU()).forward(x);
    assert.equal(calls, 1);
    // A ReLU subclass: its forward runs.
    class Leaky extends ReLU {
      override forward(t: Tensor): Tensor {
        return t.mul(2);
      }
    }
    const conv = new Conv2d(2, 3, 3);
    sameBits(new Sequential(conv, new Leaky()).forward(x), conv.forward(x).mul(2), "ReLU subclass");
    // Transposed convolutions and other activations are not fused.
    const up = new ConvTranspose2d(2, 3, 3);
    const y = new Sequential(up, new ReLU()).forward(x.requiresGrad_());
    assert.doesNotMatch(y.gradFn?.name ?? "", /\+relu$/);
    sameBits(y, relu(up.forward(x)), "transposed then relu");
    const s = new Sequential(conv, new Sigmoid()).forward(x);
    assert.doesNotMatch(s.gradFn?.name ?? "", /\+relu$/);
  });
});
