/**
 * packState/unpackState: nested objects, arrays and tensors split into tensors + JSON and
 * rebuilt exactly (Infinity, NaN, −0 included), also through a safetensors file, and an
 * optimizer's state dict that continues stepping identically after the round trip.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, Tensor, ValueError, Generator } from "../../src/index.js";
import { Adam } from "../../src/optim/index.js";
import { packState, unpackState } from "../../src/io/state-packing.js";
import { encodeSafetensors, decodeSafetensors } from "../../src/io/safetensors.js";
import { assertSameTensor } from "./helpers.js";

/** Deep equality where tensors compare by dtype, shape and bytes. */
function assertSameState(actual: unknown, expected: unknown, path = "state"): void {
  if (expected instanceof Tensor) {
    assert.ok(actual instanceof Tensor, `${path}: expected a Tensor`);
    assertSameTensor(actual, expected, path);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: expected an array`);
    assert.equal(actual.length, expected.length, `${path} length`);
    expected.forEach((v, i) => assertSameState(actual[i], v, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object" && !Array.isArray(actual), `${path}: expected an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${path} keys`);
    for (const [k, v] of Object.entries(expected)) assertSameState((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.ok(Object.is(actual, expected), `${path}: ${String(actual)} vs ${String(expected)}`);
  }
}

/** Through the bytes of a safetensors file, as the CLI stores training state. */
function throughFile(state: unknown): unknown {
  const packed = packState(state);
  const { tensors, metadata } = decodeSafetensors(encodeSafetensors(packed.tensors, { state: packed.json }));
  return unpackState({ tensors, json: metadata.state });
}

const nested = () => ({
  epoch: 3,
  name: "run",
  flags: [true, false, null],
  special: [Infinity, -Infinity, NaN, -0, 0, 1e-320, Number.MAX_VALUE],
  weights: tensor([[1, 2], [3, 4]]),
  groups: [{ lr: 0.1, params: [0, 1], buf: tensor([5, 6], { dtype: "float64" }) }, [tensor([7], { dtype: "int32" }), [tensor([1, 0], { dtype: "bool" })]]],
  deep: { a: { b: { c: Tensor.scalar(9) } }, empty: {}, none: [] },
  generator: new Generator(3).getState(),
});

describe("packState / unpackState", () => {
  it("round-trips nested objects, arrays, tensors and non-finite numbers", () => {
    const state = nested();
    assertSameState(unpackState(packState(state)), state);
    assertSameState(throughFile(state), state);
  });

  it("stores tensors under their dotted path and leaves a marker in the JSON", () => {
    const { tensors, json } = packState({ w: tensor([1]), g: [{ m: tensor([2]) }] });
    assert.deepEqual(Object.keys(tensors).sort(), ["g.0.m", "w"]);
    assert.deepEqual(JSON.parse(json), { w: { $tensor: "w" }, g: [{ m: { $tensor: "g.0.m" } }] });
  });

  it("keeps Infinity, NaN and −0 as tagged strings (JSON has no such numbers)", () => {
    assert.deepEqual(JSON.parse(packState([Infinity, -Infinity, NaN, -0, 0]).json), [
      { $number: "Infinity" }, { $number: "-Infinity" }, { $number: "NaN" }, { $number: "-0" }, 0,
    ]);
    const back = unpackState(packState({ x: -0 })) as { x: number };
    assert.ok(Object.is(back.x, -0));
  });

  it("top-level tensors, arrays and plain values", () => {
    assertSameState(throughFile(tensor([1, 2, 3])), tensor([1, 2, 3]));
    assertSameState(throughFile([tensor([1]), 2]), [tensor([1]), 2]);
    assert.equal(unpackState(packState(42)), 42);
    assert.equal(unpackState(packState("s")), "s");
    assert.equal(unpackState(packState(null)), null);
  });

  it("keys containing dots cannot make two tensors collide", () => {
    const state = { "a.b": tensor([1]), a: { b: tensor([2]) } };
    const packed = packState(state);
    assert.equal(Object.keys(packed.tensors).length, 2);
    assertSameState(throughFile(state), state);
  });

  it("a missing tensor is an error naming it", () => {
    const packed = packState({ w: tensor([1]) });
    assert.throws(() => unpackState({ tensors: {}, json: packed.json }), (e: Error) => e instanceof ValueError && /unpackState: tensor "w" is missing/.test(e.message));
  });

  it("an Adam state dict survives the trip: the restored optimizer steps identically", () => {
    const make = () => tensor([0.5, -1, 2], { dtype: "float64" }).requiresGrad_();
    const step = (opt: Adam, p: Tensor) => {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
    };
    const p1 = make();
    const a = new Adam([p1], { lr: 0.1, amsgrad: true });
    step(a, p1);
    step(a, p1);
    const p2 = tensor(Array.from(p1.toTypedArray()), { dtype: "float64" }).requiresGrad_();
    const b = new Adam([p2], { lr: 0.1, amsgrad: true });
    b.loadStateDict(throughFile(a.stateDict()) as ReturnType<Adam["stateDict"]>);
    step(a, p1);
    step(b, p2);
    assertSameTensor(p2.detach(), p1.detach(), "parameter after a third step");
    assertSameState(b.stateDict(), a.stateDict());
  });
});
