/**
 * How many threads the wasm backend's kernels run on (the reference backend always uses one).
 *
 * Default: `MYELIN_NUM_THREADS` (Node) if set, else the machine's cores (at most 8); the pool
 * starts in the background the first time the wasm backend is used. Results do not depend on the
 * thread count (every kernel splits its work so each output element is computed the same way),
 * so the moment the workers join a run does not change it.
 */
import { ValueError } from "../errors.js";
import { resizeThreadPool, threadCount } from "./wasm/thread-pool.js";

/** The most threads a default pool uses. */
const MAX_DEFAULT_THREADS = 8;

let requested: number | undefined;
/** Resizes run one after another, in call order. */
let pending: Promise<void> = Promise.resolve();

type NodeProcess = { env?: Record<string, string | undefined>; versions?: { node?: string } };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

/**
 * Runs the wasm backend's kernels on n threads (the calling thread plus n − 1 workers sharing
 * its WebAssembly memory; at most 32, larger n is capped). Resolves when the threads are running; until then kernels use the
 * threads already running. Where memory cannot be shared (a browser page that is not
 * cross-origin isolated) it warns once and the backend stays on one thread.
 *
 * @example await setNumThreads(2);
 */
export function setNumThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new ValueError(`setNumThreads: expected a positive integer, got ${n}`);
  requested = n;
  pending = pending.catch(() => undefined).then(() => resizeThreadPool(n));
  return pending;
}

/** The number of threads the wasm backend's kernels run on now. */
export function getNumThreads(): number {
  return threadCount();
}

/** The default thread count: MYELIN_NUM_THREADS (Node), else the cores (at most 8). */
export async function defaultNumThreads(): Promise<number> {
  const env = nodeProcess?.env?.MYELIN_NUM_THREADS;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`MYELIN_NUM_THREADS must be a positive integer, got "${env}"`);
    return n;
  }
  let cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (cores === undefined && typeof nodeProcess?.versions?.node === "string") {
    const os = (await import(/* @vite-ignore */ NODE_OS)) as { availableParallelism(): number };
    cores = os.availableParallelism();
  }
  return Math.max(1, Math.min(cores ?? 1, MAX_DEFAULT_THREADS));
}
/** Kept in a variable so browser bundlers do not try to resolve the Node built-in. */
const NODE_OS = "node:os";

/**
 * Starts the default pool in the background unless `setNumThreads` was called (the registry calls
 * this when the wasm backend is first selected). A failure to start is reported as a warning: the
 * kernels then keep running on the calling thread.
 */
export function startDefaultThreads(): void {
  if (requested !== undefined) return;
  pending = pending
    .then(defaultNumThreads)
    .then((n) => (requested === undefined ? resizeThreadPool(n) : undefined))
    .catch((e: unknown) => console.warn(`myelin: the wasm backend runs on 1 thread: ${e instanceof Error ? e.message : String(e)}`));
}
