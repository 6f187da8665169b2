/**
 * A worker thread of the wasm backend's thread pool (thread-pool.ts), for Node `worker_threads`
 * and Web Workers alike: it instantiates the kernel modules on the shared memory it is given,
 * reports "ready", then loops — sleep until its slot's `go` word changes, run its part of the
 * task described in the control block, publish `done` — until told to quit.
 */
import { instantiateKernels, type KernelModules } from "./loader.js";
import { ARGS, DONE, FAILED, GO, QUIT, SLOT, waitWhile, type WorkerInit } from "./thread-pool.js";
import { tasks, taskNames } from "./tasks.js";

/** Where the worker gets its start-up data and reports back, per platform. */
interface Channel {
  init: Promise<WorkerInit>;
  post(message: string): void;
}

async function channel(): Promise<Channel> {
  if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string") {
    const wt = (await import("node:worker_threads")) as { workerData: WorkerInit; parentPort: { postMessage(m: string): void } | null };
    return { init: Promise.resolve(wt.workerData), post: (m) => wt.parentPort?.postMessage(m) };
  }
  const self = globalThis as unknown as { onmessage: ((e: { data: WorkerInit }) => void) | null; postMessage(m: string): void };
  return {
    init: new Promise((resolve) => (self.onmessage = (e) => resolve(e.data))),
    post: (m) => self.postMessage(m),
  };
}

function serve(init: WorkerInit, kernels: KernelModules): void {
  const { memory, control, work, workBytes, index } = init;
  const slot = SLOT * (index + 1);
  const part = index + 1;
  const myWork = work + part * workBytes;
  let last = 0;
  for (;;) {
    // Views are taken per task: growing the memory replaces `memory.buffer`.
    const ctrl = new Int32Array(memory.buffer, control, ARGS / 4);
    waitWhile(ctrl, slot + GO, last, true);
    last = Atomics.load(ctrl, slot + GO);
    if (Atomics.load(ctrl, slot + QUIT)) return;
    const block = new Float64Array(memory.buffer, control + ARGS, ARGS / 8);
    let failed = 0;
    try {
      tasks[taskNames[block[0]]](kernels, myWork, block.subarray(2), part, block[1]);
    } catch {
      failed = 1;
    }
    Atomics.store(ctrl, slot + FAILED, failed);
    Atomics.store(ctrl, slot + DONE, last);
    Atomics.notify(ctrl, slot + DONE);
  }
}

const ch = await channel();
const init = await ch.init;
let kernels: KernelModules | undefined;
try {
  kernels = instantiateKernels(init.memory, true, init.relaxed);
} catch (e) {
  ch.post(e instanceof Error ? e.message : String(e));
}
if (kernels) {
  ch.post("ready");
  serve(init, kernels);
}
