// The report's pure logic: table cells and notes, ratio columns, target evaluation.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildTable, evaluateTargets, fmt, formatReport } from "./lib/report.mjs";

const M = [
  { id: "W1.train", label: "W1 train", unit: "img/s" },
  { id: "W1.infer", label: "W1 infer", unit: "img/s" },
  { id: "W3.sgemm.1024", label: "SGEMM 1024", unit: "GFLOP/s" },
];
const ok = (rate, reduced = false) => ({ status: "ok", rate, reduced });
const run = (system, short, threads, results) => ({ system, short, threads, status: "ok", meta: {}, results });
const RUNS = [
  run("myelin-wasm", "wasm", 1, { "W1.train": ok(600), "W1.infer": ok(1800), "W3.sgemm.1024": ok(33) }),
  { ...run("myelin-wasm", "wasm", 2, { "W1.train": ok(1000), "W1.infer": ok(3000), "W3.sgemm.1024": ok(60) }), otherLoad: 0.5 },
  run("torch", "torch", 1, { "W1.train": ok(500), "W1.infer": { status: "fails", reason: "boom" }, "W3.sgemm.1024": ok(6) }),
  run("tfjs-cpu", "tfcpu", 1, { "W1.train": ok(2, true), "W1.infer": ok(80), "W3.sgemm.1024": { status: "skipped", reason: "too slow" } }),
  run("tfjs-wasm", "tfwasm", 1, { "W1.train": { status: "fails", reason: "no kernel" }, "W1.infer": ok(2000), "W3.sgemm.1024": ok(30) }),
  { system: "tfjs-wasm", short: "tfwasm", threads: 2, status: "unavailable", reason: "single-threaded", meta: {}, results: {} },
  run("onnxruntime", "ort", 1, { "W1.train": { status: "n/a" }, "W1.infer": ok(6000), "W3.sgemm.1024": ok(140) }),
];

test("fmt keeps about three significant digits without exponents", () => {
  assert.deepEqual([1234.5, 61.94, 1.234, 0.0456].map(fmt), ["1235", "61.9", "1.23", "0.046"]);
});

test("buildTable: columns, cells with notes, ratio columns at equal thread counts", () => {
  const t = buildTable(RUNS, M);
  assert.deepEqual(t.columns, ["wasm·1", "wasm·2", "torch·1", "tfcpu·1", "tfwasm·1", "ort·1"]);
  assert.deepEqual(t.ratioColumns, ["wasm/torch·1", "wasm/tfcpu·1", "wasm/tfwasm·1", "wasm/ort·1"]);
  assert.deepEqual(t.rows[0].cells, ["600", "1000", "500", "2.00*", "fails[1]", "n/a"]);
  assert.deepEqual(t.rows[0].ratios, ["1.20×", "300×", "-", "-"]);
  assert.deepEqual(t.rows[1].cells, ["1800", "3000", "fails[2]", "80.0", "2000", "6000"]);
  assert.deepEqual(t.rows[2].cells[3], "skip[3]");
  assert.deepEqual(t.notes, ["tfwasm·1: fails: no kernel", "torch·1: fails: boom", "tfcpu·1: skipped: too slow"]);
  assert.deepEqual(t.unavailable, ["tfwasm·2 (tfjs-wasm): unavailable: single-threaded"]);
  assert.deepEqual(t.busy, ["warning: other processes kept 0.50 cores busy during wasm·2: its figures are unreliable"]);
});

test("evaluateTargets: best trainable TF.js backend, peak share, n/a with reasons", () => {
  const targets = evaluateTargets(RUNS, { gflops: 44, chains: 12 }, [1, 2]);
  const one = targets.filter((t) => t.threads === 1);
  assert.deepEqual(one.map((t) => t.status), ["PASS", "PASS", "FAIL", "PASS"]);
  assert.equal(one[1].ratio, 300); // vs tfjs-cpu: tfjs-wasm cannot train
  assert.equal(one[2].ratio, 0.3);
  assert.equal(one[3].ratio, 33 / 44);
  const two = targets.filter((t) => t.threads === 2);
  assert.equal(two[0].status, "n/a"); // no torch·2 run
  assert.match(two[0].detail, /torch·2: not run/);
  assert.equal(two[1].ratio, 500); // TF.js is compared at one thread
  assert.equal(two[3].ratio, 60 / 88); // 2 × the single-thread peak
});

test("evaluateTargets: a relaxed-SIMD (fused multiply-add) GEMM is held to the fused peak", () => {
  const relaxed = RUNS.map((r) => (r.system === "myelin-wasm" ? { ...r, meta: { relaxedSimd: true } } : r));
  const peak = { gflops: 44, chains: 12, fused: { gflops: 66, chains: 12 } };
  const [sgemm] = evaluateTargets(relaxed, peak, [1]).filter((t) => t.text.startsWith("SGEMM"));
  assert.equal(sgemm.ratio, 33 / 66);
  assert.match(sgemm.detail, /fused multiply-add peak/);
  const [plain] = evaluateTargets(RUNS, peak, [1]).filter((t) => t.text.startsWith("SGEMM"));
  assert.equal(plain.ratio, 33 / 44);
  assert.match(plain.detail, /mul\+add peak/);
});

test("formatReport aligns the table and lists notes and targets", () => {
  const text = formatReport(buildTable(RUNS, M), evaluateTargets(RUNS, { gflops: 44, chains: 12 }, [1]));
  const [head, rule, first] = text.split("\n");
  assert.equal(rule, "-".repeat(head.length));
  assert.equal(first.indexOf("|"), head.indexOf("|"));
  assert.match(text, /^\[1\] tfwasm·1: fails: no kernel$/m);
  assert.match(text, /^ {2}FAIL {2}1 thread {2}W1 inference ≥ 0\.6× onnxruntime-node: wasm·1 1800 \/ ort·1 6000 = 0\.30×$/m);
});
