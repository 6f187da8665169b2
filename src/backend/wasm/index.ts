/**
 * The "wasm" backend: kernels compiled to WebAssembly SIMD128 (sources in assembly/, built by
 * scripts/build-wasm.mjs into kernels.generated.ts). It overrides the kernels it speeds up — so
 * far float32 `matmul` — and everything else, including float64, falls back to the reference
 * backend, which is also the oracle its tests compare against.
 *
 * The registry (../registry.ts) registers it and makes it the default when the engine supports
 * WebAssembly SIMD128.
 */
import type { Backend } from "../backend.js";
import { matmul } from "./matmul.js";

export { wasmSupported } from "./loader.js";
export { matmul } from "./matmul.js";

/** The WebAssembly SIMD backend (kernels it lacks come from the reference backend). */
export const wasmBackend: Backend = { name: "wasm", kernels: { matmul } };
