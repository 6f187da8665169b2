/**
 * Which backend runs the kernels. Setting a backend merges its kernels over the reference
 * ones once, so a lookup is a property read and a partial backend just works.
 */
import type { Backend, Kernels } from "./backend.js";
import { refBackend, refKernels } from "./ref/index.js";
import { ValueError } from "../errors.js";

const backends = new Map<string, Backend>([[refBackend.name, refBackend]]);
let active: Backend = refBackend;
let merged: Kernels = refKernels;

/** Makes a backend available to `setBackend` by its name. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
}

/** Selects the backend that runs every kernel from now on (`"ref"` is always available). */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new ValueError(`setBackend: unknown backend "${name}" (available: ${[...backends.keys()].join(", ")})`);
  active = b;
  merged = { ...refKernels, ...b.kernels };
}

/** The name of the active backend. */
export function getBackend(): string {
  return active.name;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The kernel table of the active backend (reference kernels where it has none). */
export function kernels(): Kernels {
  return merged;
}
