/**
 * Lets the `myelin` command use WebAssembly relaxed SIMD (fused multiply-add in the GEMM) on
 * Node 20 and 21, whose V8 has it behind `--experimental-wasm-relaxed-simd`; Node ≥ 22 ships it.
 * V8 reads the flag when it validates a module, so this runs before any kernel is compiled:
 * main.ts imports this module first. Libraries never change engine flags; applications on Node
 * 20 that want the same start node with the flag.
 */
import { setFlagsFromString } from "node:v8";

const major = Number(process.versions.node.split(".")[0]);
if (major === 20 || major === 21) setFlagsFromString("--experimental-wasm-relaxed-simd");
