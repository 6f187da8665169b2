/**
 * The wasm backend's thread pool: every kernel that splits its work across threads (GEMM and the
 * three im2col convolutions) gives bit-identical results on 1 and 2 threads — on shapes that
 * split unevenly (odd batches, row counts that are not whole register tiles, groups, 1×1
 * kernels) — and a short training run is the same on any thread count. Before each threaded
 * call the per-call memory is filled with NaN, so a part that did not run cannot pass unseen.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConvGeometry, View } from "../../src/backend/backend.js";
import { conv, convInputGrad, convWeightGrad, matmul } from "../../src/backend/wasm/index.js";
import { defaultNumThreads, setNumThreads } from "../../src/backend/threads.js";
import { setBackend } from "../../src/backend/registry.js";
import { manualSeed } from "../../src/tensor/random.js";
import { randn, tensor } from "../../src/tensor/create.js";
import { LeNet5 } from "../../src/models/lenet.js";
import { SGD } from "../../src/optim/sgd.js";
import { crossEntropy } from "../../src/nn/functional/loss.js";
import { assertSame, dense, onOneAndTwo, permuted } from "./wasm-util.js";

function geometry(H: number, k: number, stride: number, pad: number, groups: number): ConvGeometry {
  const out = Math.floor((H + 2 * pad - k) / stride) + 1;
  return { kernel: [k, k], stride: [stride, stride], padding: [pad, pad], dilation: [1, 1], outSize: [out, out], groups };
}

const convCases: { name: string; N: number; C: number; H: number; M: number; k: number; stride: number; pad: number; G: number }[] = [
  { name: "odd batch, 5x5 pad 2", N: 5, C: 12, H: 20, M: 13, k: 5, stride: 1, pad: 2, G: 1 },
  { name: "groups 4, stride 2", N: 8, C: 32, H: 24, M: 32, k: 3, stride: 2, pad: 1, G: 4 },
  { name: "depthwise", N: 4, C: 32, H: 40, M: 32, k: 3, stride: 1, pad: 1, G: 32 },
  { name: "1x1 (the image is its own columns)", N: 7, C: 64, H: 16, M: 30, k: 1, stride: 1, pad: 0, G: 1 },
];

for (const c of convCases) {
  test(`conv kernels on 1 and 2 threads agree bit for bit: ${c.name}`, async () => {
    const geom = geometry(c.H, c.k, c.stride, c.pad, c.G);
    const x = dense([c.N, c.C, c.H, c.H]);
    const w = dense([c.M, c.C / c.G, c.k, c.k]);
    const g = dense([c.N, c.M, ...geom.outSize]);
    const fwd = await onOneAndTwo(() => conv(x, w, geom, "im2col", "float32"));
    assertSame(fwd[1], fwd[0], `forward ${c.name}`);
    const dx = await onOneAndTwo(() => convInputGrad(g, w, [c.H, c.H], geom, "im2col", "float32"));
    assertSame(dx[1], dx[0], `input grad ${c.name}`);
    const dw = await onOneAndTwo(() => convWeightGrad(x, g, geom, "im2col", "float32"));
    assertSame(dw[1], dw[0], `weight grad ${c.name}`);
  });
}

test("matmul on 1 and 2 threads agrees bit for bit: one product (rows split) and a batch", async () => {
  const cases: [string, View, View][] = [
    ["[1,101,200]·[1,200,150]", dense([1, 101, 200]), dense([1, 200, 150])],
    ["ragged: [1,66,300]·[1,300,501]", dense([1, 66, 300]), dense([1, 300, 501])],
    // A Linear layer's x·Wᵀ: B is a transposed (column-major) view.
    ["transposed B: [1,37,100]·[1,203,100]ᵀ", dense([1, 37, 100]), permuted([1, 100, 203], [0, 2, 1])],
    ["batch: [3,40,100]·[3,100,300]", dense([3, 40, 100]), dense([3, 100, 300])],
  ];
  for (const [name, a, b] of cases) {
    const [one, two] = await onOneAndTwo(() => matmul(a, b, "float32"));
    assertSame(two, one, name);
  }
});

test("a LeNet-5 training run is identical on 1 and 2 threads", async () => {
  setBackend("wasm");
  const losses = async (threads: number): Promise<number[]> => {
    await setNumThreads(threads);
    manualSeed(3);
    const model = new LeNet5();
    const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = randn([16, 1, 28, 28]);
    const y = tensor(Array.from({ length: 16 }, (_, i) => i % 10), { dtype: "int32" });
    const out: number[] = [];
    for (let step = 0; step < 3; step++) {
      opt.zeroGrad();
      const loss = crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      out.push(loss.item());
    }
    return out;
  };
  const one = await losses(1);
  assert.deepEqual(await losses(2), one);
});

test("setNumThreads rejects a count that is not a positive integer", () => {
  assert.throws(() => setNumThreads(0), /setNumThreads: expected a positive integer, got 0/);
  assert.throws(() => setNumThreads(1.5), /positive integer/);
});

test("the default thread count: MYELIN_NUM_THREADS, checked, else the cores (at most 8)", async () => {
  const saved = process.env.MYELIN_NUM_THREADS;
  try {
    process.env.MYELIN_NUM_THREADS = "3";
    assert.equal(await defaultNumThreads(), 3);
    process.env.MYELIN_NUM_THREADS = "abc";
    await assert.rejects(defaultNumThreads(), /MYELIN_NUM_THREADS must be a positive integer, got "abc"/);
    process.env.MYELIN_NUM_THREADS = "0";
    await assert.rejects(defaultNumThreads(), /MYELIN_NUM_THREADS must be a positive integer, got "0"/);
    delete process.env.MYELIN_NUM_THREADS;
    const n = await defaultNumThreads();
    assert.ok(Number.isInteger(n) && n >= 1 && n <= 8, `default ${n}`);
  } finally {
    if (saved === undefined) delete process.env.MYELIN_NUM_THREADS;
    else process.env.MYELIN_NUM_THREADS = saved;
  }
});
