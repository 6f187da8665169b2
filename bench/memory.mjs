#!/usr/bin/env node
/**
 * Memory over a long training run: 10,000 steps of a small CNN (conv → relu → max-pool → linear,
 * SGD with momentum) on the active backend (MYELIN_BACKEND=ref|wasm) and, on wasm, its thread pool
 * (the convolutions are big enough to be split across threads), with no dispose() anywhere.
 * Prints RSS and JS heap every 1,000 steps and exits non-zero if RSS grows by more than
 * --max-growth MB (default 50) between step 1,000 (after warm-up) and the end.
 *
 * Usage: node bench/memory.mjs [--steps N] [--threads N] [--max-growth MB]   (npm run bench:memory)
 */
import { nn, optim, randn, randint, manualSeed, getBackend, setNumThreads, getNumThreads } from "../build/src/index.js";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const steps = arg("steps", 10_000);
const maxGrowthMb = arg("max-growth", 50);
await setNumThreads(arg("threads", 2));

manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(16 * 14 * 14, 10),
);
const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = randn([32, 1, 28, 28]);
const y = randint(0, 10, [32]);
const mb = (b) => (b / 2 ** 20).toFixed(1);

console.log(`backend ${getBackend()}${getBackend() === "wasm" ? `, ${getNumThreads()} threads` : ""}, ${steps} steps, batch 32`);
console.log("| step | RSS MB | heap MB |\n|---:|---:|---:|");
let rssAtWarm = 0;
let rssEnd = 0;
const start = performance.now();
for (let step = 1; step <= steps; step++) {
  opt.zeroGrad();
  const loss = nn.F.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  if (step % 1000 === 0) {
    const { rss, heapUsed } = process.memoryUsage();
    if (step === 1000) rssAtWarm = rss;
    rssEnd = rss;
    console.log(`| ${step} | ${mb(rss)} | ${mb(heapUsed)} |`);
  }
}
const growth = (rssEnd - rssAtWarm) / 2 ** 20;
console.log(`RSS growth from step 1,000 to ${steps}: ${growth.toFixed(1)} MB (limit ${maxGrowthMb} MB); ${((performance.now() - start) / steps).toFixed(2)} ms/step`);
if (growth > maxGrowthMb) process.exit(1);
