/**
 * TensorFlow.js runner: @tensorflow/tfjs-core with the cpu (plain JavaScript) or wasm (XNNPACK,
 * SIMD) backend, chosen by the config's `backend`. Models are built from core ops in tfjs's native
 * NHWC layout, with its fused conv/matmul + bias + ReLU ops where it has them (as tfjs-layers
 * does), trained with tf.train.momentum / tf.train.adam. tfjs-cpu is single-threaded; the wasm
 * backend is single-threaded in Node (its multithreaded build is never selected there), so a run
 * asking for more threads reports it as unavailable. Protocol and output: ../lib/child.mjs.
 */
import { register } from "node:module";
import { runChild } from "../lib/child.mjs";
import { batches, cycle } from "../lib/fashion-mnist.mjs";

/** Glorot-style normal initial values. */
const init = (tf, shape, fanIn) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn)));

/** Per batch: images as [batch, 28, 28, 1] (or [batch, 784]) and one-hot labels. */
function tensorBatches(tf, data, batch, shape) {
  return batches(data, batch).map(({ x, y }) => [tf.tensor(x, [batch, ...shape]), tf.oneHot(tf.tensor1d(y, "int32"), 10)]);
}

/** LeNet-5 (course variant, see src/models/lenet.ts) on [N, 28, 28, 1]: its variables and forward pass. */
function lenet(tf) {
  const v = {
    w1: init(tf, [5, 5, 1, 20], 25), b1: tf.variable(tf.zeros([20])),
    w2: init(tf, [5, 5, 20, 50], 500), b2: tf.variable(tf.zeros([50])),
    w3: init(tf, [2450, 500], 2450), b3: tf.variable(tf.zeros([500])),
    w4: init(tf, [500, 10], 500), b4: tf.variable(tf.zeros([10])),
  };
  const forward = (x) => {
    let h = tf.fused.conv2d({ x, filter: v.w1, strides: 1, pad: 2, bias: v.b1, activation: "relu" });
    h = tf.maxPool(h, 2, 2, "valid");
    h = tf.fused.conv2d({ x: h, filter: v.w2, strides: 1, pad: 2, bias: v.b2, activation: "relu" });
    h = tf.reshape(tf.maxPool(h, 2, 2, "valid"), [-1, 2450]);
    h = tf.fused.matMul({ a: h, b: v.w3, bias: v.b3, activation: "relu" });
    return tf.fused.matMul({ a: h, b: v.w4, bias: v.b4 });
  };
  return { forward, vars: Object.values(v) };
}

/**
 * One training step's function on the next of `data`'s batches: minimize `lossOf(x, y)` over
 * `vars`, run `after` (e.g. running-statistics updates), read the loss back (as the other systems do).
 */
function trainStep(optimizer, vars, data, lossOf, after = () => {}) {
  const next = cycle(data);
  return () => {
    const [x, y] = next();
    const cost = optimizer.minimize(() => lossOf(x, y), true, vars);
    after();
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
}

/** Reads a result tensor (forcing the computation) and frees it. */
function consume(...ts) {
  for (const t of ts) {
    t.dataSync();
    t.dispose();
  }
}

await runChild({
  async load(config) {
    register("./tfjs-esm-hooks.mjs", import.meta.url);
    const tf = await import("@tensorflow/tfjs-core");
    await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
    tf.enableProdMode(); // only silences warnings (and the banner suggesting tfjs-node)
    await import("@tensorflow/tfjs-backend-cpu");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (config.backend === "wasm") wasm.setThreadsCount(config.threads);
    if (!(await tf.setBackend(config.backend))) throw new Error(`tf.setBackend("${config.backend}") failed`);
    await tf.ready();
    const meta = { version: tf.version_core, backend: tf.getBackend() };
    if (config.backend === "wasm") {
      meta.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      meta.multithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
      meta.threadsCount = wasm.getThreadsCount();
      if (config.threads > 1 && !meta.multithread) {
        throw new Error("tfjs-backend-wasm is single-threaded in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), setThreadsCount has no effect");
      }
    } else if (config.threads > 1) throw new Error("tfjs-backend-cpu is single-threaded");
    return { tf, meta };
  },
  kinds: {
    "lenet-train": (m, { tf }, data) => {
      const { forward, vars } = lenet(tf);
      const loss = (x, y) => tf.losses.softmaxCrossEntropy(y, forward(x));
      return trainStep(tf.train.momentum(0.01, 0.9), vars, tensorBatches(tf, data(), m.batch, [28, 28, 1]), loss);
    },
    "lenet-infer": (m, { tf }, data) => {
      const { forward } = lenet(tf);
      const next = cycle(tensorBatches(tf, data(), m.batch, [28, 28, 1]));
      return () => consume(tf.tidy(() => forward(next()[0])));
    },
    "mlp-train": (m, { tf }, data) => {
      const layers = [[784, 512], [512, 256]].map(([i, o]) => ({
        w: init(tf, [i, o], i), b: tf.variable(tf.zeros([o])),
        gamma: tf.variable(tf.ones([o])), beta: tf.variable(tf.zeros([o])),
        runningMean: tf.variable(tf.zeros([o]), false), runningVar: tf.variable(tf.ones([o]), false),
      }));
      const out = { w: init(tf, [256, 10], 256), b: tf.variable(tf.zeros([10])) };
      const vars = [...layers.flatMap((l) => [l.w, l.b, l.gamma, l.beta]), out.w, out.b];
      let moments;
      const loss = (x, y) => {
        moments = [];
        let h = x;
        for (const l of layers) {
          h = tf.add(tf.matMul(h, l.w), l.b);
          const { mean, variance } = tf.moments(h, 0);
          moments.push([tf.keep(mean), tf.keep(variance)]);
          h = tf.relu(tf.batchNorm(h, mean, variance, l.beta, l.gamma, 1e-5));
        }
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, out.w), out.b));
      };
      // BatchNorm's running statistics, momentum 0.1 with the unbiased variance, as PyTorch's.
      const updateRunningStats = () => {
        const unbias = m.batch / (m.batch - 1);
        tf.tidy(() => layers.forEach((l, i) => {
          const [mean, variance] = moments[i];
          l.runningMean.assign(tf.add(tf.mul(l.runningMean, 0.9), tf.mul(mean, 0.1)));
          l.runningVar.assign(tf.add(tf.mul(l.runningVar, 0.9), tf.mul(variance, 0.1 * unbias)));
        }));
        tf.dispose(moments.flat());
      };
      return trainStep(tf.train.adam(1e-3, 0.9, 0.999, 1e-8), vars, tensorBatches(tf, data(), m.batch, [784]), loss, updateRunningStats);
    },
    sgemm: ({ n }, { tf }) => {
      const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
      return () => consume(tf.matMul(a, b));
    },
    "conv-fwd": ({ shape }, { tf }) => {
      const { conv, x, w } = convSetup(tf, shape);
      return () => consume(conv(x, w));
    },
    "conv-fwdbwd": ({ shape: s }, { tf }) => {
      const { conv, x, w } = convSetup(tf, s);
      const dy = tf.randomNormal([s.N, s.P, s.Q, s.M]);
      const grads = tf.grads(conv);
      return () => consume(...grads([x, w], dy));
    },
  },
});

/** A W3 convolution in NHWC: the op (conv2d, or depthwiseConv2d when groups = C = M), input and filter. */
function convSetup(tf, s) {
  const x = tf.randomNormal([s.N, s.H, s.W, s.C]);
  if (s.groups === 1) return { conv: (x, w) => tf.conv2d(x, w, 1, s.pad), x, w: tf.randomNormal([s.K, s.K, s.C, s.M]) };
  if (s.groups === s.C && s.M === s.C) return { conv: (x, w) => tf.depthwiseConv2d(x, w, 1, s.pad), x, w: tf.randomNormal([s.K, s.K, s.C, 1]) };
  throw new Error(`grouped convolution (groups ${s.groups}) has no tfjs op`);
}
