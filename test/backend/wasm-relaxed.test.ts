/**
 * The relaxed-SIMD kernel builds (fused multiply-add GEMM) run the same parity tests as the plain
 * SIMD128 ones: the GEMM, convolution and thread-pool test files are run again in a child Node
 * with relaxed SIMD enabled (Node 20 needs the flag; later versions have it anyway).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { relaxedSimdEnabled } from "../../src/backend/wasm/index.js";

const FLAG = "--experimental-wasm-relaxed-simd";
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** Whether a child node started with FLAG (and `env`) reports relaxed SIMD in use. */
function childUsesRelaxed(env: Record<string, string | undefined>): boolean {
  const probe = `import("${here("../../src/backend/wasm/index.js")}").then((m) => process.exit(m.relaxedSimdEnabled() ? 0 : 1))`;
  return spawnSync(process.execPath, [FLAG, "--input-type=module", "-e", probe], { env: { ...process.env, ...env } }).status === 0;
}

test("wasm: relaxed SIMD is used exactly when the engine has it, unless MYELIN_RELAXED_SIMD=0", () => {
  const major = Number(process.versions.node.split(".")[0]);
  const engineHasIt = major >= 22 || process.execArgv.includes(FLAG);
  assert.equal(relaxedSimdEnabled(), engineHasIt && process.env.MYELIN_RELAXED_SIMD !== "0");
  assert.equal(childUsesRelaxed({ MYELIN_RELAXED_SIMD: undefined }), true, `a child node started with ${FLAG} uses relaxed SIMD`);
  assert.equal(childUsesRelaxed({ MYELIN_RELAXED_SIMD: "0" }), false, "MYELIN_RELAXED_SIMD=0 turns it off");
});

test("wasm (relaxed SIMD): GEMM, convolution and thread-pool parity tests pass", { timeout: 300_000 }, () => {
  const files = ["wasm-matmul.test.js", "wasm-conv.test.js", "wasm-threads.test.js"].map(here);
  // Without NODE_TEST_CONTEXT the child runs as a test runner of its own, not as our subtest.
  const env = { ...process.env, NODE_TEST_CONTEXT: undefined, MYELIN_RELAXED_SIMD: undefined };
  const run = spawnSync(process.execPath, [FLAG, "--test", "--test-reporter=tap", ...files], { encoding: "utf8", env });
  const passed = Number(/^# pass (\d+)$/m.exec(run.stdout)?.[1] ?? 0);
  assert.equal(run.status, 0, `relaxed-SIMD parity tests failed:\n${run.stdout}\n${run.stderr}`);
  assert.ok(passed >= 20, `expected the child to run the parity tests, it reports ${passed} passed:\n${run.stdout}`);
});
