// The ONNX writer round trip: onnxruntime-node loads a model it encodes and computes the expected values.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { model, node, tensor, valueInfo } from "./systems/onnx-model.mjs";

test("onnxruntime runs MaxPool → Flatten → Gemm(transB) from an encoded model", async () => {
  // x: 1×1×4×4 = 0..15; 2×2 max-pool → [5, 7, 13, 15]; y = pooled·Wᵀ + b.
  const W = new Float32Array([1, 0, 0, 0, 0, 1, 1, 0, -1, 0, 0, 2]); // [3, 4]
  const b = new Float32Array([0.5, -1, 10]);
  const bytes = model({
    nodes: [
      node("MaxPool", ["x"], ["p"], { kernel_shape: [2, 2], strides: [2, 2] }),
      node("Flatten", ["p"], ["f"], { axis: 1 }),
      node("Gemm", ["f", "W", "b"], ["y"], { transB: 1 }),
    ],
    initializers: [tensor("W", [3, 4], W), tensor("b", [3], b)],
    inputs: [valueInfo("x", [1, 1, 4, 4])],
    outputs: [valueInfo("y", [1, 3])],
  });
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor("float32", Float32Array.from({ length: 16 }, (_, i) => i), [1, 1, 4, 4]);
  const { y } = await session.run({ x });
  assert.deepEqual([...y.dims], [1, 3]);
  assert.deepEqual([...y.data], [5 + 0.5, 7 + 13 - 1, -5 + 30 + 10]);
});

test("negative int attributes encode as 64-bit two's complement", async () => {
  const bytes = model({
    nodes: [node("Flatten", ["x"], ["y"], { axis: -1 })],
    inputs: [valueInfo("x", [2, 3, 4])],
    outputs: [valueInfo("y", [6, 4])],
  });
  const session = await ort.InferenceSession.create(bytes);
  const { y } = await session.run({ x: new ort.Tensor("float32", new Float32Array(24), [2, 3, 4]) });
  assert.deepEqual([...y.dims], [6, 4]);
});
