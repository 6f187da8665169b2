/**
 * The wasm backend's worker threads: `runTask` splits one kernel call (tasks.ts) into parts, runs
 * part 0 on the calling thread and parts 1… on workers that share the kernels' memory, and
 * returns when all are done. Kernel calls stay synchronous: the caller blocks (Atomics.wait, or a
 * spin where the thread may not block, as on a browser's main thread) until the workers finish.
 *
 * Workers are Node `worker_threads` or Web Workers running worker.ts. Starting them is
 * asynchronous (`resizeThreadPool`); until they are ready, calls run on fewer threads, which is
 * harmless because every task's result is independent of its number of parts. Without shared
 * memory (a browser page without cross-origin isolation) there is one thread and a warning.
 *
 * Control block (`CONTROL_BYTES` at `rt.control`, int32 words): worker w owns the 64-byte slot
 * at word SLOT·(w + 1): [go, done, failed, quit]. To run a task the caller writes the task index,
 * the part count and the arguments as float64 at byte ARGS, then sets each involved worker's
 * `go` to a new sequence number and wakes it; the worker runs its part and sets `done` to the
 * same number. Only involved workers are woken, so nobody reads arguments being rewritten.
 */
import { MyelinError } from "../../errors.js";
import { CONTROL_BYTES, wasmRuntime, type WasmMemory, type WasmRuntime } from "./loader.js";
import { taskNames, tasks, type TaskName } from "./tasks.js";

/** Int32 words per worker slot (64 bytes, so slots do not share a cache line). */
export const SLOT = 16;
/** Word offsets within a slot. */
export const GO = 0, DONE = 1, FAILED = 2, QUIT = 3;
/** Byte offset of the float64 task block [task, parts, ...args] in the control block. */
export const ARGS = CONTROL_BYTES / 2;
/** Most arguments a task takes. */
const MAX_ARGS = CONTROL_BYTES / 2 / 8 - 2;
/** Most workers the control block has slots for. */
export const MAX_WORKERS = ARGS / 4 / SLOT - 1;
/** Loads of a flag before sleeping on it: waits shorter than this never pay a wake-up. */
export const SPIN = 20000;

/** What a new worker receives. */
export interface WorkerInit {
  memory: WasmMemory;
  /** Byte address of the control block. */
  control: number;
  /** Byte address of thread 0's GEMM scratch, and the bytes of one thread's. */
  work: number;
  workBytes: number;
  /** The worker's slot; it runs part index + 1. */
  index: number;
  /** Whether to instantiate the relaxed-SIMD kernel builds (as the calling thread did). */
  relaxed: boolean;
}

/** A started worker, whatever the platform. */
interface WorkerHandle {
  terminate(): void;
}

const workers: WorkerHandle[] = [];
/** Workers that are running and may be given parts (the first `ready` of `workers`). */
let ready = 0;
let sequence = 0;
let warned = false;
/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
let canBlock: boolean | undefined;

function control(rt: WasmRuntime): Int32Array {
  return new Int32Array(rt.memory.buffer, rt.control, CONTROL_BYTES / 4);
}

/** Waits until ctrl[i] !== value: spins first, then sleeps if this thread may block. */
export function waitWhile(ctrl: Int32Array, i: number, value: number, blocking: boolean): void {
  for (let s = 0; s < SPIN; s++) if (Atomics.load(ctrl, i) !== value) return;
  while (Atomics.load(ctrl, i) === value) if (blocking) Atomics.wait(ctrl, i, value);
}

function mayBlock(ctrl: Int32Array): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(ctrl, 0, 1, 0); // word 0 is never 1; throws where blocking is not allowed
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

/**
 * Runs `task` with `args` in up to `parts` parts, one per available thread, and returns when
 * every part is done. With one part (or no workers) it runs inline.
 */
export function runTask(name: TaskName, args: readonly number[], parts: number): void {
  const rt = wasmRuntime();
  const n = Math.max(1, Math.min(parts, ready + 1));
  if (n === 1) {
    tasks[name](rt, rt.work, args, 0, 1);
    return;
  }
  if (args.length > MAX_ARGS) throw new MyelinError(`wasm thread pool: task ${name} has ${args.length} arguments, over ${MAX_ARGS}`);
  const block = new Float64Array(rt.memory.buffer, rt.control + ARGS, 2 + args.length);
  block[0] = taskNames.indexOf(name);
  block[1] = n;
  block.set(args, 2);
  const ctrl = control(rt);
  sequence = (sequence % 0x7fffffff) + 1;
  for (let w = 0; w < n - 1; w++) {
    Atomics.store(ctrl, SLOT * (w + 1) + GO, sequence);
    Atomics.notify(ctrl, SLOT * (w + 1) + GO);
  }
  let failure: unknown;
  try {
    tasks[name](rt, rt.work, args, 0, n);
  } catch (e) {
    failure = e;
  }
  const blocking = mayBlock(ctrl);
  let failedWorkers = 0;
  for (let w = 0; w < n - 1; w++) {
    const done = SLOT * (w + 1) + DONE;
    for (let v = Atomics.load(ctrl, done); v !== sequence; v = Atomics.load(ctrl, done)) waitWhile(ctrl, done, v, blocking);
    failedWorkers += Atomics.load(ctrl, SLOT * (w + 1) + FAILED);
  }
  if (failure) throw failure;
  if (failedWorkers) throw new MyelinError(`wasm thread pool: task ${name} failed on ${failedWorkers} worker thread(s)`);
}

/**
 * Floating-point operations below which a part is not worth a thread: waking a worker costs
 * some tens of microseconds, about this much GEMM work.
 */
const MIN_FLOPS_PER_PART = 2e6;

/**
 * How many parts a task of `flops` operations, divisible into at most `units` parts, should have
 * on the threads running now.
 */
export function partsFor(flops: number, units: number): number {
  return Math.max(1, Math.min(units, ready + 1, Math.floor(flops / MIN_FLOPS_PER_PART)));
}

/** The number of threads kernels run on now (the calling thread plus ready workers). */
export function threadCount(): number {
  return ready + 1;
}

/** True when this engine can share the kernels' memory with worker threads. */
export function threadsSupported(): boolean {
  return wasmRuntime().shared;
}

interface NodeWorker extends WorkerHandle {
  once(event: "message" | "error", listener: (value: unknown) => void): void;
  unref(): void;
}
interface WebWorker extends WorkerHandle {
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
}

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
/** Kept in a variable so browser bundlers do not try to resolve the Node built-in. */
const NODE_WORKER_THREADS = "node:worker_threads";

/** Starts one worker and resolves once it has instantiated the kernels. */
async function spawn(init: WorkerInit): Promise<WorkerHandle> {
  const url = new URL("./worker.js", import.meta.url);
  return new Promise<WorkerHandle>((resolve, reject) => {
    const settle = (worker: WorkerHandle) => (message: unknown) => {
      if (message === "ready") resolve(worker);
      else reject(new MyelinError(`wasm thread pool: worker ${init.index} failed to start: ${String(message)}`));
    };
    const failed = (e: unknown) => reject(new MyelinError(`wasm thread pool: worker ${init.index} failed to start: ${e instanceof Error ? e.message : String(e)}`));
    if (isNode) {
      import(/* @vite-ignore */ NODE_WORKER_THREADS).then((wt: { Worker: new (url: URL, options: { workerData: WorkerInit }) => NodeWorker }) => {
        const worker = new wt.Worker(url, { workerData: init });
        worker.once("message", (message) => {
          worker.unref(); // once running, workers never keep the process alive
          settle(worker)(message);
        });
        worker.once("error", failed);
      }, failed);
      return;
    }
    const WorkerClass = (globalThis as { Worker?: new (url: URL, options: { type: "module" }) => WebWorker }).Worker;
    if (!WorkerClass) return reject(new MyelinError("wasm thread pool: this environment has no Worker"));
    const worker = new WorkerClass(url, { type: "module" });
    worker.onmessage = (e) => settle(worker)(e.data);
    worker.onerror = (e) => failed(e.message ?? "error event");
    worker.postMessage(init);
  });
}

/** Stops the workers from slot `from` on. */
function shrink(rt: WasmRuntime, from: number): void {
  ready = Math.min(ready, from);
  const ctrl = control(rt);
  for (let w = from; w < workers.length; w++) {
    Atomics.store(ctrl, SLOT * (w + 1) + QUIT, 1);
    Atomics.store(ctrl, SLOT * (w + 1) + GO, -1);
    Atomics.notify(ctrl, SLOT * (w + 1) + GO);
    workers[w].terminate();
  }
  workers.length = from;
}

/**
 * Makes the pool run kernels on `threads` threads (the caller plus threads − 1 workers); resolves
 * when they are running. Warns once and stays at one thread where memory cannot be shared.
 */
export async function resizeThreadPool(threads: number): Promise<void> {
  const rt = wasmRuntime();
  const want = Math.min(threads, MAX_WORKERS + 1) - 1;
  if (want > 0 && !rt.shared) {
    if (!warned) {
      warned = true;
      console.warn(
        "myelin: WebAssembly shared memory is unavailable (in a browser the page must be cross-origin isolated: " +
          "serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); " +
          "the wasm backend runs on 1 thread",
      );
    }
    return;
  }
  if (want <= workers.length) {
    shrink(rt, want);
    return;
  }
  if (!rt.reserveThreads(want + 1)) throw new MyelinError(`wasm thread pool: no memory for ${want + 1} threads' scratch space`);
  const ctrl = control(rt);
  const started: Promise<WorkerHandle>[] = [];
  for (let w = workers.length; w < want; w++) {
    for (let i = 0; i < SLOT; i++) Atomics.store(ctrl, SLOT * (w + 1) + i, 0);
    started.push(spawn({ memory: rt.memory, control: rt.control, work: rt.work, workBytes: rt.workBytes, index: w, relaxed: rt.relaxed }));
  }
  const results = await Promise.allSettled(started);
  for (const r of results) if (r.status === "fulfilled") workers.push(r.value);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    shrink(rt, ready); // keep the pool consistent: only workers that have been running
    throw failed.reason;
  }
  ready = workers.length;
}
