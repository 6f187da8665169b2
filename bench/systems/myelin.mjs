/**
 * Myelin runner: the BUILT package (`npx tsc -p .` first), backend from MYELIN_BACKEND (ref|wasm,
 * read by the package itself), threads via setNumThreads. Protocol and output: ../lib/child.mjs.
 */
import "../../build/src/cli/relaxed-simd.js"; // relaxed SIMD on Node 20 as in the myelin CLI (MYELIN_RELAXED_SIMD=0 turns it off)
import { readFileSync } from "node:fs";
import { runChild } from "../lib/child.mjs";
import { batches, cycle } from "../lib/fashion-mnist.mjs";

/** Per batch: images as [batch, ...shape] and int32 labels. */
function tensorBatches(my, data, batch, shape) {
  return batches(data, batch).map(({ x, y }) => [my.fromTypedArray(x, [batch, ...shape]), my.fromTypedArray(y)]);
}

/** One training step's function on the next batch: cross-entropy, backward, optimizer step, loss read back. */
function trainStep(my, model, opt, data) {
  const lossFn = new my.nn.CrossEntropyLoss();
  const next = cycle(data);
  return () => {
    const [x, y] = next();
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

await runChild({
  async load(config) {
    const my = await import("../../build/src/index.js");
    const wanted = process.env.MYELIN_BACKEND;
    if (my.getBackend() !== wanted) throw new Error(`backend "${wanted}" is not active (got "${my.getBackend()}")`);
    await my.setNumThreads(config.threads);
    const threads = my.getBackend() === "wasm" ? my.getNumThreads() : 1;
    if (threads !== config.threads) throw new Error(`asked for ${config.threads} threads, the wasm backend runs ${threads}`);
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return { my, meta: { version, backend: my.getBackend(), numThreads: my.getNumThreads(), relaxedSimd: my.getBackend() === "wasm" && my.relaxedSimdEnabled() } };
  },
  kinds: {
    "lenet-train": (m, { my }, data) => {
      const model = new my.models.LeNet5();
      return trainStep(my, model, new my.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }), tensorBatches(my, data(), m.batch, [1, 28, 28]));
    },
    "lenet-infer": (m, { my }, data) => {
      const model = new my.models.LeNet5().eval();
      const next = cycle(tensorBatches(my, data(), m.batch, [1, 28, 28]));
      return () => my.noGrad(() => model.forward(next()[0]));
    },
    "mlp-train": (m, { my }, data) => {
      const { nn } = my;
      const model = new nn.Sequential(
        new nn.Linear(784, 512), new nn.BatchNorm1d(512), new nn.ReLU(),
        new nn.Linear(512, 256), new nn.BatchNorm1d(256), new nn.ReLU(),
        new nn.Linear(256, 10),
      );
      return trainStep(my, model, new my.optim.Adam(model.parameters(), { lr: 1e-3 }), tensorBatches(my, data(), m.batch, [784]));
    },
    sgemm: ({ n }, { my }) => {
      const a = my.randn([n, n]), b = my.randn([n, n]);
      return () => my.matmul(a, b);
    },
    "conv-fwd": ({ shape: s }, { my }) => {
      const x = my.randn([s.N, s.C, s.H, s.W]), w = my.randn([s.M, s.C / s.groups, s.K, s.K]);
      return () => my.noGrad(() => my.nn.F.conv2d(x, w, null, { padding: s.pad, groups: s.groups }));
    },
    "conv-fwdbwd": ({ shape: s }, { my }) => {
      const x = my.randn([s.N, s.C, s.H, s.W], { requiresGrad: true });
      const w = my.randn([s.M, s.C / s.groups, s.K, s.K], { requiresGrad: true });
      const dy = my.randn([s.N, s.M, s.P, s.Q]);
      return () => {
        x.grad = w.grad = null;
        my.nn.F.conv2d(x, w, null, { padding: s.pad, groups: s.groups }).backward(dy);
      };
    },
  },
});
