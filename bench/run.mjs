#!/usr/bin/env node
/**
 * `npm run bench`: Myelin (reference and wasm backends) side by side with the peers available on
 * this machine — PyTorch CPU, TensorFlow.js (cpu, wasm), onnxruntime-node — on the workloads of
 * bench/lib/workloads.mjs, at each thread count. Every (system, threads) pair runs in its own
 * child process (bench/systems/*), one after the other; run.mjs prints one table of medians with
 * the ratios Myelin-wasm / peer and the targets, and writes all raw timings as JSON.
 * See bench/README.md.
 *
 * Usage (after `npx tsc -p .`): node bench/run.mjs [--quick] [--only W1,W3] [--systems a,b]
 *                                                  [--threads 1,2] [--json PATH]
 */
import "../build/src/cli/relaxed-simd.js"; // relaxed SIMD on Node 20 as in the myelin CLI, for the FMA peak
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { MEASUREMENTS, CONV_SHAPES, DATA_IMAGES } from "./lib/workloads.mjs";
import { protocolFor } from "./lib/measure.mjs";
import { measurePeak, PEAK_METHOD } from "./lib/peak.mjs";
import { relaxedSimdEnabled } from "../build/src/backend/wasm/index.js";
import { FASHION_MNIST_DIR } from "./lib/fashion-mnist.mjs";
import { buildTable, evaluateTargets, formatReport } from "./lib/report.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const PYTHON = "/usr/bin/python3";
const node = (script) => [process.execPath, script];

/**
 * The systems, in column order. `maxThreads`: the system only runs single-threaded (the reason is
 * printed); `slow`: fewer warm-up steps and repetitions (measure.mjs).
 */
const SYSTEMS = [
  { name: "myelin-ref", short: "ref", cmd: node("bench/systems/myelin.mjs"), env: { MYELIN_BACKEND: "ref" }, slow: true, maxThreads: 1, why: "the reference backend is plain TypeScript on the calling thread" },
  { name: "myelin-wasm", short: "wasm", cmd: node("bench/systems/myelin.mjs"), env: { MYELIN_BACKEND: "wasm" } },
  { name: "myelin-simd128", short: "w128", cmd: node("bench/systems/myelin.mjs"), env: { MYELIN_BACKEND: "wasm", MYELIN_RELAXED_SIMD: "0" } },
  { name: "torch", short: "torch", cmd: [PYTHON, "bench/systems/pytorch.py"] },
  { name: "tfjs-cpu", short: "tfcpu", cmd: node("bench/systems/tfjs.mjs"), backend: "cpu", slow: true, maxThreads: 1, why: "tfjs-backend-cpu is plain JavaScript on the calling thread" },
  { name: "tfjs-wasm", short: "tfwasm", cmd: node("bench/systems/tfjs.mjs"), backend: "wasm" },
  { name: "onnxruntime", short: "ort", cmd: node("bench/systems/onnxruntime.mjs") },
];

const USAGE = `usage: node bench/run.mjs [--quick] [--only W1,W2,W3] [--systems ${SYSTEMS.map((s) => s.name).join(",")}] [--threads 1,2] [--json PATH]`;

/** Parses the command line; throws with the usage on anything unknown. */
function parseOptions(argv) {
  const opts = { quick: false, only: ["W1", "W2", "W3"], systems: SYSTEMS.map((s) => s.name), threads: [1, 2], json: null };
  const list = (flag, v) => {
    if (!v || v.startsWith("--")) throw new Error(`${flag} needs a comma-separated value\n${USAGE}`);
    return v.split(",").filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--quick") opts.quick = true;
    else if (a === "--only") opts.only = list(a, argv[++i]);
    else if (a === "--systems") opts.systems = list(a, argv[++i]);
    else if (a === "--threads") opts.threads = list(a, argv[++i]).map(Number);
    else if (a === "--json") opts.json = list(a, argv[++i]).join(",");
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const badWorkload = opts.only.find((w) => !MEASUREMENTS.some((m) => m.workload === w));
  if (badWorkload) throw new Error(`--only: unknown workload ${badWorkload} (W1, W2, W3)`);
  const badSystem = opts.systems.find((s) => !SYSTEMS.some((x) => x.name === s));
  if (badSystem) throw new Error(`--systems: unknown system ${badSystem} (${SYSTEMS.map((s) => s.name).join(", ")})`);
  if (opts.threads.some((t) => !Number.isInteger(t) || t < 1)) throw new Error(`--threads: expected positive integers, got ${opts.threads.join(",")}`);
  return opts;
}

/** CPU seconds all cores have spent busy since boot. */
const machineBusySeconds = () => os.cpus().reduce((s, { times: t }) => s + t.user + t.nice + t.sys + t.irq, 0) / 1e3;

/**
 * Runs one child process on `measurements`. Resolves to `{ records, killed, exit, spawnError,
 * lastError, wallSeconds, otherCpuSeconds }`, the last two from the start to the last record: the
 * time, and the CPU time the machine spent outside the child. The child is killed when no record
 * arrives within `killSec` (the current measurement overran).
 */
function runChildProcess(system, config, killSec) {
  const busy0 = machineBusySeconds(), t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(system.cmd[0], system.cmd.slice(1), {
      cwd: ROOT,
      env: { ...process.env, ...system.env, BENCH_CONFIG: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const records = [];
    let killed = false, spawnError = null, lastError = "", pending = "";
    let wallSeconds = 0, otherCpuSeconds = 0;
    let timer;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, killSec * 1e3);
    };
    arm();
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop();
      for (const line of lines.filter((l) => l.startsWith("{"))) {
        try {
          const record = JSON.parse(line);
          records.push(record);
          arm();
          wallSeconds = (performance.now() - t0) / 1e3;
          otherCpuSeconds = machineBusySeconds() - busy0 - record.cpuSeconds;
        } catch {
          process.stderr.write(`${line}\n`); // not a record: some library printed to stdout
        }
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      process.stderr.write(chunk);
      const last = chunk.split("\n").map((l) => l.trim()).filter(Boolean).pop();
      if (last) lastError = last;
    });
    child.on("error", (e) => (spawnError = e.message));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ records, killed, exit: signal ? `signal ${signal}` : `code ${code}`, spawnError, lastError, wallSeconds, otherCpuSeconds });
    });
  });
}

/**
 * One (system, threads) pair: its child process, restarted on the measurements after one that
 * overran the time limit (reported "skipped") or crashed the process (reported "fails").
 * `otherLoad`: the average number of cores other processes kept busy meanwhile.
 */
async function runSystem(system, threads, measurements, protocol, data) {
  const run = { system: system.name, short: system.short, threads, status: "ok", meta: {}, results: {}, otherLoad: 0 };
  let remaining = measurements, wall = 0, other = 0;
  while (remaining.length > 0) {
    const config = { system: system.name, threads, backend: system.backend, protocol, measurements: remaining, data };
    const out = await runChildProcess(system, config, protocol.killSec);
    wall += out.wallSeconds;
    other += out.otherCpuSeconds;
    run.otherLoad = wall > 0 ? Math.max(0, other / wall) : 0;
    const meta = out.records.find((r) => r.type === "meta");
    if (!meta) {
      const reason = out.spawnError ?? (out.killed ? `no answer within ${protocol.killSec} s` : `exited (${out.exit}) before starting: ${out.lastError}`);
      return { ...run, status: "unavailable", reason };
    }
    if (meta.status !== "ok") return { ...run, status: "unavailable", reason: meta.reason };
    run.meta = meta.meta;
    for (const { type, id, ...result } of out.records) if (type === "result") run.results[id] = result;
    const left = remaining.filter((m) => !(m.id in run.results));
    if (left.length === 0) break;
    run.results[left[0].id] = out.killed
      ? { status: "skipped", reason: `too slow: no result within ${protocol.killSec} s` }
      : { status: "fails", reason: `the process died (${out.exit}): ${out.lastError}` };
    remaining = left.slice(1);
  }
  return run;
}

/** Version of an installed package, or null. */
function packageVersion(name) {
  try {
    return createRequire(import.meta.url)(`${name}/package.json`).version;
  } catch {
    return null;
  }
}

async function main() {
  const opts = parseOptions(process.argv.slice(2));
  const measurements = MEASUREMENTS.filter((m) => opts.only.includes(m.workload));
  const hasData = existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz")) && existsSync(join(FASHION_MNIST_DIR, "train-labels-idx1-ubyte.gz"));
  const data = { dir: hasData ? FASHION_MNIST_DIR : null, count: DATA_IMAGES };
  const started = new Date();
  const loadAverage = os.loadavg()[0];

  process.stderr.write(`measuring the SIMD128 peak (${PEAK_METHOD})\n`);
  const iters = opts.quick ? 5e6 : 2e7;
  const peak = { ...measurePeak(iters), fused: relaxedSimdEnabled() ? measurePeak(iters, true) : null };

  const runs = [];
  const jobs = SYSTEMS.filter((s) => opts.systems.includes(s.name)).flatMap((s) => opts.threads.filter((t) => t <= (s.maxThreads ?? Infinity)).map((t) => [s, t]));
  for (const [i, [system, threads]] of jobs.entries()) {
    process.stderr.write(`[${i + 1}/${jobs.length}] ${system.name}, ${threads} thread${threads > 1 ? "s" : ""}\n`);
    const run = await runSystem(system, threads, measurements, protocolFor(opts.quick, system.slow), data);
    if (run.status !== "ok") process.stderr.write(`    unavailable: ${run.reason}\n`);
    runs.push(run);
  }

  const table = buildTable(runs, measurements);
  const targets = evaluateTargets(runs, peak, opts.threads);
  const metaOf = (name) => runs.find((r) => r.system === name && r.status === "ok")?.meta ?? {};
  const versions = {
    myelin: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version,
    torch: metaOf("torch").version ?? null,
    "tfjs-core": packageVersion("@tensorflow/tfjs-core"),
    "tfjs-backend-wasm": packageVersion("@tensorflow/tfjs-backend-wasm"),
    "onnxruntime-node": packageVersion("onnxruntime-node"),
  };
  const machine = { cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, loadAverage };
  const single = SYSTEMS.filter((s) => s.maxThreads === 1 && opts.systems.includes(s.name)).map((s) => `${s.name} (${s.why})`);
  const header = [
    `Myelin benchmark ${started.toISOString().slice(0, 16).replace("T", " ")} UTC${opts.quick ? " (--quick)" : ""}`,
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}, Node ${machine.node}; load average at start ${machine.loadAverage.toFixed(2)}`,
    `versions: myelin ${versions.myelin}, torch ${versions.torch ?? "-"}, @tensorflow/tfjs-core ${versions["tfjs-core"] ?? "-"}, onnxruntime-node ${versions["onnxruntime-node"] ?? "-"}`,
    `threads: ${opts.threads.join(", ")} per column (·N); single-threaded only: ${single.join("; ") || "-"}`,
    "  myelin: setNumThreads(N); torch: set_num_threads(N), 1 interop thread; onnxruntime: intraOpNumThreads N, interOpNumThreads 1, sequential",
    `data: W1/W2 ${hasData ? `Fashion-MNIST, first ${DATA_IMAGES} training images (${FASHION_MNIST_DIR}), scaled to [0, 1]` : `random images (no Fashion-MNIST at ${FASHION_MNIST_DIR})`}`,
    `protocol: ${describeProtocol(protocolFor(opts.quick, false))}; slow systems (ref, tfcpu): ${describeProtocol(protocolFor(opts.quick, true))}`,
    `conv shapes: ${CONV_SHAPES.map((c) => `${c.name} = ${c.label}`).join("; ")}`,
    "conv GFLOP/s: 2·N·M·P·Q·(C/G)·R·S per forward; fwd+bwd counts 3× that (forward, input grad, weight grad)",
    `SIMD128 peak: ${peak.gflops.toFixed(1)} GFLOP/s mul+add (best: ${peak.chains} chains)${peak.fused ? `, ${peak.fused.gflops.toFixed(1)} GFLOP/s relaxed-SIMD fused multiply-add (best: ${peak.fused.chains} chains)` : ""}; ${PEAK_METHOD}`,
    "wasm: relaxed SIMD where the engine has it (the myelin CLI's setting); w128: MYELIN_RELAXED_SIMD=0, plain SIMD128",
    "ratios: Myelin wasm / peer at the same thread count (> 1: Myelin faster)",
  ];
  const text = `${header.join("\n")}\n\n${formatReport(table, targets)}`;
  console.log(text);

  const jsonPath = resolve(opts.json ?? join(ROOT, "bench/results", `${started.toISOString().slice(0, 19).replace(/:/g, "-")}.json`));
  mkdirSync(dirname(jsonPath), { recursive: true });
  const json = { date: started.toISOString(), options: opts, machine, versions, data, peak: { ...peak, method: PEAK_METHOD }, measurements, runs, table, targets };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`\nJSON (all repetition times): ${jsonPath}`);
}

/** One line describing a protocol. */
function describeProtocol(p) {
  return `${p.warmup} warm-up step${p.warmup > 1 ? "s" : ""}, median of ${p.reps} repetitions of S steps (S: ~${p.targetRepSec} s per repetition), budget ${p.budgetSec} s, stopped after ${p.killSec} s without a result`;
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
