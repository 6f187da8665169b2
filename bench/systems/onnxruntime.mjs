/**
 * onnxruntime-node runner (CPU execution provider): inference only — W1 LeNet-5 at batch 256 with
 * random weights, W3 SGEMM as a MatMul of two inputs, W3 convolutions forward as a Conv with the
 * weight as an initializer. Models are encoded in memory by onnx-model.mjs. Sessions use
 * intraOpNumThreads = the run's thread count, one inter-op thread, sequential execution and all
 * graph optimizations. Protocol and output: ../lib/child.mjs.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runChild } from "../lib/child.mjs";
import { batches, cycle } from "../lib/fashion-mnist.mjs";
import { model, node, tensor, valueInfo } from "./onnx-model.mjs";

/** Uniform values in [-scale, scale). */
const randomArray = (n, scale = 1) => Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * scale);
/** A named float32 initializer of random values scaled by 1/√fanIn. */
const weight = (name, dims, fanIn) => tensor(name, dims, randomArray(dims.reduce((a, b) => a * b, 1), 1 / Math.sqrt(fanIn)));

/** LeNet-5 (course variant, see src/models/lenet.ts) for [batch, 1, 28, 28] inputs. */
function lenetModel(batch) {
  const conv = (x, w, b, y) => node("Conv", [x, w, b], [y], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] });
  const pool = (x, y) => node("MaxPool", [x], [y], { kernel_shape: [2, 2], strides: [2, 2] });
  return model({
    nodes: [
      conv("x", "w1", "b1", "c1"), node("Relu", ["c1"], ["r1"]), pool("r1", "p1"),
      conv("p1", "w2", "b2", "c2"), node("Relu", ["c2"], ["r2"]), pool("r2", "p2"),
      node("Flatten", ["p2"], ["f"], { axis: 1 }),
      node("Gemm", ["f", "w3", "b3"], ["h"], { transB: 1 }), node("Relu", ["h"], ["r3"]),
      node("Gemm", ["r3", "w4", "b4"], ["logits"], { transB: 1 }),
    ],
    initializers: [
      weight("w1", [20, 1, 5, 5], 25), weight("b1", [20], 25),
      weight("w2", [50, 20, 5, 5], 500), weight("b2", [50], 500),
      weight("w3", [500, 2450], 2450), weight("b3", [500], 2450),
      weight("w4", [10, 500], 500), weight("b4", [10], 500),
    ],
    inputs: [valueInfo("x", [batch, 1, 28, 28])],
    outputs: [valueInfo("logits", [batch, 10])],
  });
}

await runChild({
  async load(config) {
    const ort = await import("onnxruntime-node");
    const { version } = createRequire(import.meta.url)("onnxruntime-node/package.json");
    const options = {
      executionProviders: ["cpu"],
      intraOpNumThreads: config.threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      graphOptimizationLevel: "all",
    };
    const session = (bytes) => ort.InferenceSession.create(bytes, options);
    return { ort, session, meta: { version, intraOpNumThreads: config.threads, interOpNumThreads: 1 } };
  },
  kinds: {
    "lenet-infer": async (m, { ort, session }, data) => {
      const s = await session(lenetModel(m.batch));
      const next = cycle(batches(data(), m.batch).map(({ x }) => new ort.Tensor("float32", x, [m.batch, 1, 28, 28])));
      return () => s.run({ x: next() });
    },
    sgemm: async ({ n }, { ort, session }) => {
      const s = await session(model({
        nodes: [node("MatMul", ["a", "b"], ["y"])],
        inputs: [valueInfo("a", [n, n]), valueInfo("b", [n, n])],
        outputs: [valueInfo("y", [n, n])],
      }));
      const a = new ort.Tensor("float32", randomArray(n * n), [n, n]), b = new ort.Tensor("float32", randomArray(n * n), [n, n]);
      return () => s.run({ a, b });
    },
    "conv-fwd": async ({ shape: sh }, { ort, session }) => {
      const s = await session(model({
        nodes: [node("Conv", ["x", "w"], ["y"], { kernel_shape: [sh.K, sh.K], pads: [sh.pad, sh.pad, sh.pad, sh.pad], group: sh.groups })],
        initializers: [weight("w", [sh.M, sh.C / sh.groups, sh.K, sh.K], (sh.C / sh.groups) * sh.K * sh.K)],
        inputs: [valueInfo("x", [sh.N, sh.C, sh.H, sh.W])],
        outputs: [valueInfo("y", [sh.N, sh.M, sh.P, sh.Q])],
      }));
      const x = new ort.Tensor("float32", randomArray(sh.N * sh.C * sh.H * sh.W), [sh.N, sh.C, sh.H, sh.W]);
      return () => s.run({ x });
    },
  },
});
