/**
 * Memory: tensors are plain GC-managed objects, so a training loop needs no dispose(). Runs
 * 2000 steps of a small MLP and checks that the heap after a forced GC does not grow between
 * step 500 and step 2000. A forced GC needs `--expose-gc`, which node:test's file processes
 * lack, so unless `gc` is already available this file re-runs itself in a child
 * `node --expose-gc` (selected by an environment variable) and reads the measurement back.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { randn, noGrad, manualSeed } from "./core.js";
import { Linear, ReLU, Sequential } from "../../src/nn/index.js";

const CHILD_FLAG = "MYELIN_CORE_MEMORY_CHILD";
const STEPS = 2000;
const CHECKPOINT = 500;
/** Allowed heap growth between the checkpoints ("a few MB"). */
const MAX_GROWTH = 4 * 1024 * 1024;

interface Measurement {
  heapAtCheckpoint: number;
  heapAtEnd: number;
}

/** Trains a small MLP with hand-written SGD and samples the post-GC heap twice. */
function measure(gc: () => void): Measurement {
  manualSeed(0);
  const net = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 10));
  const x = randn([32, 20]);
  const y = randn([32, 10]);
  const heapAfterGc = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  let heapAtCheckpoint = 0;
  for (let step = 1; step <= STEPS; step++) {
    net.zeroGrad();
    const loss = net.forward(x).sub(y).square().mean();
    loss.backward();
    noGrad(() => {
      for (const p of net.parameters()) p.copy_(p.sub(p.grad!.mul(0.01)));
    });
    if (step === CHECKPOINT) heapAtCheckpoint = heapAfterGc();
  }
  return { heapAtCheckpoint, heapAtEnd: heapAfterGc() };
}

const gcFn = (globalThis as { gc?: () => void }).gc;

if (process.env[CHILD_FLAG] === "1") {
  if (!gcFn) throw new Error("memory child: started without --expose-gc");
  process.stdout.write(JSON.stringify(measure(gcFn)));
} else {
  describe("memory", () => {
    it(`heap does not grow over ${STEPS} training steps (no dispose() needed)`, () => {
      let m: Measurement;
      if (gcFn) {
        m = measure(gcFn);
      } else {
        const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_FLAG]: "1" };
        delete env.NODE_TEST_CONTEXT; // the child is a plain script, not a test-runner file
        const child = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url)], {
          env,
          encoding: "utf8",
          timeout: 60_000,
        });
        assert.equal(child.status, 0, `memory child failed: ${child.stderr}`);
        m = JSON.parse(child.stdout) as Measurement;
      }
      const growth = m.heapAtEnd - m.heapAtCheckpoint;
      assert.ok(
        growth < MAX_GROWTH,
        `heap grew by ${(growth / 2 ** 20).toFixed(2)} MB between step ${CHECKPOINT} and ${STEPS} ` +
          `(${(m.heapAtCheckpoint / 2 ** 20).toFixed(1)} → ${(m.heapAtEnd / 2 ** 20).toFixed(1)} MB)`,
      );
    });
  });
}
