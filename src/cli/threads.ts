/**
 * `--threads N` for the commands that run kernels: starts the wasm backend's thread pool with N
 * threads (default: MYELIN_NUM_THREADS, else the machine's cores) and waits until it runs, so a
 * command's throughput is that of its thread count from the first step.
 */
import { getBackend } from "../backend/registry.js";
import { relaxedSimdEnabled } from "../backend/wasm/index.js";
import { defaultNumThreads, getNumThreads, setNumThreads } from "../backend/threads.js";
import { numberFlag, type ParsedArgs } from "./args.js";

/** Applies --threads and returns how the kernels run, e.g. "backend wasm (relaxed SIMD), 2 threads". */
export async function applyThreadsFlag(args: ParsedArgs): Promise<string> {
  const backend = getBackend();
  if (backend !== "wasm") return `backend ${backend}, 1 thread`;
  await setNumThreads(args.flags.has("threads") ? numberFlag(args, "threads", 1, true, 1) : await defaultNumThreads());
  const n = getNumThreads();
  return `backend wasm${relaxedSimdEnabled() ? " (relaxed SIMD)" : ""}, ${n} thread${n === 1 ? "" : "s"}`;
}
