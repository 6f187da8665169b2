/**
 * Which backend runs the kernels. Setting a backend merges its kernels over the reference
 * ones once, so a lookup is a property read and a partial backend just works.
 *
 * Default: "wasm" when the engine supports WebAssembly SIMD128, else "ref"; the environment
 * variable MYELIN_BACKEND (Node) or `setBackend` overrides it. Selecting "wasm" starts its
 * thread pool with the default thread count unless `setNumThreads` chose one (threads.ts).
 */
import type { Backend, Kernels } from "./backend.js";
import { refBackend, refKernels } from "./ref/index.js";
import { wasmBackend, wasmSupported } from "./wasm/index.js";
import { ValueError } from "../errors.js";
import { startDefaultThreads } from "./threads.js";

const backends = new Map<string, Backend>([[refBackend.name, refBackend]]);
let active: Backend = refBackend;
let merged: Kernels | null = null;

function envBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.MYELIN_BACKEND || undefined;
}

/** Registers the built-in backends and picks the default, once, on first use. */
function ensureInitialized(): Kernels {
  if (merged) return merged;
  merged = refKernels;
  if (wasmSupported()) backends.set(wasmBackend.name, wasmBackend);
  setBackend(envBackend() ?? (backends.has("wasm") ? "wasm" : "ref"));
  return merged;
}

/** Makes a backend available to `setBackend` by its name. */
export function registerBackend(backend: Backend): void {
  ensureInitialized();
  backends.set(backend.name, backend);
}

/** Selects the backend that runs every kernel from now on (`"ref"` is always available). */
export function setBackend(name: string): void {
  ensureInitialized();
  const b = backends.get(name);
  if (!b) throw new ValueError(`setBackend: unknown backend "${name}" (available: ${[...backends.keys()].join(", ")})`);
  active = b;
  merged = { ...refKernels, ...b.kernels };
  if (b === wasmBackend) startDefaultThreads();
}

/** The name of the active backend. */
export function getBackend(): string {
  ensureInitialized();
  return active.name;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  ensureInitialized();
  return [...backends.keys()];
}

/** The kernel table of the active backend (reference kernels where it has none). */
export function kernels(): Kernels {
  return merged ?? ensureInitialized();
}
