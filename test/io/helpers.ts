/** Shared helpers of the io tests: bit-exact tensor comparison and an optional Python. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Tensor } from "../../src/index.js";

/** The raw bytes of a tensor's elements in row-major order. */
export function bytesOf(t: Tensor): Uint8Array {
  const d = t.toTypedArray();
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice();
}

/** Same dtype, shape and bytes (so NaN payloads and −0 count). */
export function assertSameTensor(actual: Tensor, expected: Tensor, what = "tensor"): void {
  assert.equal(actual.dtype, expected.dtype, `${what} dtype`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${what} shape`);
  assert.deepEqual(bytesOf(actual), bytesOf(expected), `${what} bytes`);
}

export const PYTHON = "/usr/bin/python3";

/** Whether `python3 -c "import <module>"` works (the module is optional, never required). */
export function pythonHas(module: string): boolean {
  const r = spawnSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore" });
  return r.status === 0;
}

/** Runs a Python script with arguments; returns stdout, failing the test with stderr on error. */
export function runPython(script: string, args: string[] = []): string {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8" });
  if (r.status !== 0) assert.fail(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
