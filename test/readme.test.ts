/** The README's quick start must run exactly as written (with "myelin" resolved to this build). */
import { it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

it("README quick start trains XOR as written", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Quick start"));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, "README has a ```ts block under ## Quick start");
  const runnable = code.replace(/from "myelin"/g, `from ${JSON.stringify(join(root, "build/src/index.js"))}`);
  const dir = mkdtempSync(join(tmpdir(), "myelin-readme-"));
  const file = join(dir, "quickstart.mjs");
  writeFileSync(file, runnable);
  let out: string;
  try {
    out = execFileSync(process.execPath, [file], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const values = [...out.matchAll(/-?\d+\.\d*(?:e[+-]\d+)?/g)].map((m) => Number(m[0]));
  assert.equal(values.length, 4, `expected 4 printed values, got: ${out}`);
  [0, 1, 1, 0].forEach((want, i) => assert.ok(Math.abs(values[i] - want) < 0.1, `output ${i} = ${values[i]}, want ≈ ${want}`));
});
