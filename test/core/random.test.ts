/** Random numbers: seeding, independent generators, state save/restore, and distribution checks. */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { rand, randn, uniform, normal, randint, randperm, manualSeed, Generator, ValueError } from "./core.js";
import { assertThrows, values } from "./helpers.js";

const stats = (v: number[]) => {
  const mean = v.reduce((s, a) => s + a, 0) / v.length;
  const variance = v.reduce((s, a) => s + (a - mean) ** 2, 0) / (v.length - 1);
  return { mean, std: Math.sqrt(variance) };
};

describe("seeding", () => {
  it("manualSeed makes the global stream reproducible", () => {
    manualSeed(123);
    const a = [values(rand([5])), values(randn([5])), values(randint(0, 10, [5])), values(randperm(7))];
    manualSeed(123);
    const b = [values(rand([5])), values(randn([5])), values(randint(0, 10, [5])), values(randperm(7))];
    assert.deepEqual(a, b);
    manualSeed(124);
    assert.notDeepEqual(values(rand([5])), a[0]);
  });

  it("a Generator is independent of the global stream and of other generators", () => {
    const g1 = new Generator(7);
    const first = values(rand([4], { generator: g1 }));
    manualSeed(7);
    rand([100]); // advancing the global stream must not affect g2
    const g2 = new Generator(7);
    const other = new Generator(8);
    rand([3], { generator: other });
    assert.deepEqual(values(rand([4], { generator: g2 })), first);
    assert.notDeepEqual(values(rand([4], { generator: other })), first);
  });

  it("getState/setState resume a stream bit-exactly (including a pending normal)", () => {
    const g = new Generator(99);
    g.normal(); // leaves the second Box–Muller value pending
    const state = g.getState();
    const next = [g.normal(), g.random(), g.normal()];
    const h = new Generator(0);
    h.setState(state);
    assert.deepEqual([h.normal(), h.random(), h.normal()], next);
    assert.deepEqual(new Generator(5).manualSeed(99).getState(), new Generator(99).getState());
  });
});

describe("distributions", () => {
  it("rand lies in [0, 1) with mean ≈ 1/2 and variance ≈ 1/12", () => {
    manualSeed(1);
    const v = values(rand([10000]));
    assert.ok(v.every((x) => x >= 0 && x < 1));
    const { mean, std } = stats(v);
    assert.ok(Math.abs(mean - 0.5) < 0.015, `mean ${mean}`);
    assert.ok(Math.abs(std - Math.sqrt(1 / 12)) < 0.01, `std ${std}`);
  });

  it("rand stays below 1 in float32 even when the float64 draw rounds up to 1", () => {
    class NearOne extends Generator {
      override random(): number {
        return 1 - 2 ** -30;
      }
    }
    const t = rand([3], { generator: new NearOne() });
    for (const x of values(t)) assert.ok(x < 1, `got ${x}`);
    const d = rand([1], { generator: new NearOne(), dtype: "float64" });
    assert.equal(d.item(), 1 - 2 ** -30);
  });

  it("randn has mean ≈ 0 and std ≈ 1 over 10k samples", () => {
    manualSeed(2);
    const { mean, std } = stats(values(randn([100, 100])));
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(std - 1) < 0.03, `std ${std}`);
  });

  it("uniform and normal scale and shift", () => {
    manualSeed(3);
    const u = values(uniform([10000], -2, 6));
    assert.ok(u.every((x) => x >= -2 && x < 6));
    assert.ok(Math.abs(stats(u).mean - 2) < 0.1);
    const n = stats(values(normal([10000], 5, 0.5, { dtype: "float64" })));
    assert.ok(Math.abs(n.mean - 5) < 0.02 && Math.abs(n.std - 0.5) < 0.02, JSON.stringify(n));
  });

  it("randint covers [low, high) uniformly, as int32", () => {
    manualSeed(4);
    const t = randint(-2, 3, [5000]);
    assert.equal(t.dtype, "int32");
    const counts = new Map<number, number>();
    for (const x of values(t)) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-2, -1, 0, 1, 2]);
    for (const c of counts.values()) assert.ok(Math.abs(c - 1000) < 120, `count ${c}`);
  });

  it("randperm is a permutation of 0..n−1 and not the identity", () => {
    manualSeed(5);
    const p = randperm(50);
    assert.equal(p.dtype, "int32");
    const v = values(p);
    assert.deepEqual([...v].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(v, Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(values(randperm(0)), []);
    assert.deepEqual(values(randperm(1)), [0]);
  });

  it("random tensors honour shape, dtype and requiresGrad", () => {
    const t = randn([2, 3], { dtype: "float64", requiresGrad: true });
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.dtype, "float64");
    assert.equal(t.requiresGrad, true);
    assertThrows(() => rand([-1]), ValueError, "rand: invalid shape [-1]");
    assertThrows(() => randperm(-1), ValueError, "randperm: invalid shape [-1]");
    assertThrows(() => randint(3, 3, [2]), ValueError, "randint: expected integers low < high, got low=3, high=3");
  });
});
