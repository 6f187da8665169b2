/** `myelin conformance <dir>`: runs every *.json case under dir, one line per failure. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConformanceCase } from "../conformance/case.js";
import { runCase, summarize } from "../conformance/runner.js";
import { parseArgs, stringFlag, checkFlags } from "./args.js";
import { getBackend, listBackends, setBackend } from "../backend/registry.js";

/** Every *.json file under dir, recursively, sorted. */
export async function findCaseFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Reads and parses one case file, naming the file on a parse error. */
export async function loadCase(file: string): Promise<ConformanceCase> {
  const text = await readFile(file, "utf8");
  try {
    return JSON.parse(text) as ConformanceCase;
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

const conformanceUsage = "usage: myelin conformance <dir> [--dtype float32|float64] [--conv-algorithm direct|im2col|fft|winograd|auto] [--backend NAME] [--verbose]";

export async function conformanceCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ["verbose"]);
  checkFlags(args, ["dtype", "conv-algorithm", "backend", "verbose"], conformanceUsage);
  const dir = args.positional[0];
  if (!dir) {
    console.error(conformanceUsage);
    return 2;
  }
  const dtype = stringFlag(args, "dtype", "float32", ["float32", "float64"] as const);
  // Which backend runs the kernels (default: wasm when supported, else ref; see MYELIN_BACKEND).
  if (args.flags.has("backend")) setBackend(stringFlag(args, "backend", getBackend(), listBackends()));
  const convAlgorithm = args.flags.has("conv-algorithm")
    ? stringFlag(args, "conv-algorithm", "auto", ["direct", "im2col", "fft", "winograd", "auto"] as const)
    : undefined;
  const verbose = args.flags.has("verbose");
  const files = await findCaseFiles(dir);
  if (files.length === 0) {
    console.error(`myelin conformance: no *.json cases under ${dir}`);
    return 2;
  }
  const results = [];
  for (const file of files) {
    const r = runCase(await loadCase(file), { dtype, convAlgorithm });
    results.push(r);
    if (r.status === "failed") console.log(`FAIL ${r.id} (${r.op}): ${r.message}`);
    // Under --conv-algorithm, the cases that algorithm cannot compute are always listed by name.
    else if (r.status === "skipped" && (verbose || (convAlgorithm && r.message?.startsWith(`${convAlgorithm} does not apply`)))) {
      console.log(`SKIP ${r.id}: ${r.message}`);
    }
  }
  const s = summarize(results);
  if (s.skipped && !verbose) {
    const ops = [...new Set(results.filter((r) => r.status === "skipped").map((r) => r.op))];
    console.log(`skipped ops: ${ops.join(", ")}`);
  }
  console.log(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
  return s.failed ? 1 : 0;
}
