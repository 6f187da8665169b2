#!/usr/bin/env node
/**
 * Compiles the WebAssembly kernels (assembly/*.ts, AssemblyScript with SIMD128), one module per
 * source, and writes src/backend/wasm/kernels.generated.ts, which embeds the modules as base64
 * so the wasm backend instantiates them synchronously in Node and in browsers without file I/O
 * or fetch.
 *
 * The modules share one imported memory, so each must have no static data (its segments would
 * overlap the others'); and each must stay within the 4 KiB that Chrome compiles synchronously
 * on the main thread. The build fails if either rule is broken.
 *
 * The memory is declared shared (with the 4 GiB maximum that shared memory requires) so worker
 * threads can run the same kernels on it. Where shared memory is unavailable (a browser page
 * without cross-origin isolation) the loader clears the "shared" bit of the import's limits,
 * whose byte offset in each module is recorded here as `sharedFlagAt`.
 *
 * Modules listed in `relaxedVariants` are compiled a second time with relaxed SIMD enabled (their
 * sources test ASC_FEATURE_RELAXED_SIMD to use fused multiply-adds); the loader picks that
 * variant where the engine supports relaxed SIMD.
 *
 * Usage: node scripts/build-wasm.mjs [--check]
 *   --check  writes nothing; exits 1 if the committed generated file is out of date (for CI).
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import asc from "assemblyscript/asc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Module name (the key in the generated table) → source. */
const sources = {
  sgemm: "assembly/sgemm.ts",
  conv: "assembly/conv.ts",
  depthwise: "assembly/depthwise.ts",
  pool: "assembly/pool.ts",
  elementwise: "assembly/elementwise.ts",
  reduce: "assembly/reduce.ts",
  norm: "assembly/norm.ts",
  crossEntropy: "assembly/cross-entropy.ts",
};
/** Modules that also get a relaxed-SIMD build (the GEMM at the heart of matmul and im2col conv). */
const relaxedVariants = new Set(["sgemm"]);
const target = join(root, "src/backend/wasm/kernels.generated.ts");
const check = process.argv.includes("--check");
const MAX_BYTES = 4096;
const DATA_SECTION = 11;
const IMPORT_SECTION = 2;
const MEMORY_IMPORT = 2;
/** Limits flags of a shared memory with a maximum (bit 0: has maximum, bit 1: shared). */
const SHARED_WITH_MAXIMUM = 3;
/** 4 GiB in 64 KiB pages: all that wasm32 can address. */
const MAXIMUM_PAGES = 65536;

/** Reads an unsigned LEB128 at p: [value, position after it]. */
function uleb(bytes, p) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[p++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, p];
  }
}

/** The sections of a wasm binary: id, and start and end of the contents. */
function sections(bytes) {
  const out = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    const [size, start] = uleb(bytes, p);
    out.push({ id, start, end: start + size });
    p = start + size;
  }
  return out;
}

/** Offset of the limits flags byte of the module's one import, which must be a shared memory. */
function sharedFlagOffset(bytes, source) {
  const imports = sections(bytes).find((s) => s.id === IMPORT_SECTION);
  let p = imports ? imports.start : -1;
  let count = 0;
  if (imports) [count, p] = uleb(bytes, p);
  if (count !== 1) throw new Error(`${source}: expected exactly one import (the memory), found ${count}`);
  for (let name = 0; name < 2; name++) {
    const [len, q] = uleb(bytes, p);
    p = q + len; // module name, then field name
  }
  if (bytes[p] !== MEMORY_IMPORT || bytes[p + 1] !== SHARED_WITH_MAXIMUM) {
    throw new Error(`${source}: its import is not a shared memory with a maximum`);
  }
  return p + 1;
}

/** Compiles one source to wasm bytes (with relaxed SIMD if `relaxed`), or exits with the compiler's messages. */
async function compile(source, relaxed) {
  // Flags: SIMD on; the kernels allocate nothing, so the stub runtime and no assertions; memory
  // is imported, shared, so the JS side owns (and grows) it and worker threads share it.
  const flags = [
    source, "--outFile", "out.wasm",
    "--enable", relaxed ? "simd,threads,relaxed-simd" : "simd,threads", "-O3", "--noAssert", "--runtime", "stub",
    "--importMemory", "--noExportMemory", "--sharedMemory", "--maximumMemory", String(MAXIMUM_PAGES),
  ];
  let binary = null;
  const { error, stderr } = await asc.main(flags, {
    writeFile: (name, contents) => {
      if (name.endsWith(".wasm")) binary = contents;
    },
  });
  if (error || !binary) {
    process.stderr.write(stderr.toString());
    console.error(`build-wasm: compiling ${source} failed${error ? `: ${error.message}` : ""}`);
    process.exit(1);
  }
  if (binary.length > MAX_BYTES) {
    console.error(`build-wasm: ${source} compiles to ${binary.length} bytes, over the ${MAX_BYTES} that browsers compile synchronously; split it`);
    process.exit(1);
  }
  if (sections(binary).some((s) => s.id === DATA_SECTION)) {
    console.error(`build-wasm: ${source} has static data, which would overlap the other modules' in the shared memory`);
    process.exit(1);
  }
  return binary;
}

process.chdir(root); // asc resolves source paths against the working directory
const entries = [];
for (const [name, source] of Object.entries(sources)) {
  const build = async (relaxed) => {
    const binary = await compile(source, relaxed);
    return { binary, sharedFlagAt: sharedFlagOffset(binary, source) };
  };
  entries.push({ name, source, ...(await build(false)), relaxed: relaxedVariants.has(name) ? await build(true) : null });
}

const version = createRequire(import.meta.url)("assemblyscript/package.json").version;
const text = `// GENERATED by scripts/build-wasm.mjs from assembly/*.ts (AssemblyScript ${version}). Do not edit.
/** A compiled module: base64-encoded wasm and the byte offset of its memory import's limits flags. */
export interface WasmModuleBytes {
  readonly sharedFlagAt: number;
  readonly base64: string;
}

/** The kernel modules, one per assembly/ source. */
export type KernelModuleName = ${Object.keys(sources).map((name) => JSON.stringify(name)).join(" | ")};

/**
 * The SIMD128 kernel modules; they share one imported shared memory (\`sharedFlagAt\`: 3, shared
 * with maximum). \`relaxed\`, where present, is the same source built with relaxed SIMD (fused
 * multiply-add).
 */
export const wasmModules: Record<KernelModuleName, WasmModuleBytes & { readonly relaxed: WasmModuleBytes | null }> = {
${entries.map(({ name, source, binary, sharedFlagAt, relaxed }) => `  /** ${source} (${binary.length} bytes${relaxed ? `; relaxed SIMD ${relaxed.binary.length}` : ""}) */\n  ${name}: {\n    sharedFlagAt: ${sharedFlagAt},\n    base64: "${Buffer.from(binary).toString("base64")}",\n    relaxed: ${relaxed ? `{\n      sharedFlagAt: ${relaxed.sharedFlagAt},\n      base64: "${Buffer.from(relaxed.binary).toString("base64")}",\n    }` : "null"},\n  },`).join("\n")}
};
`;

let current = null;
try { current = await readFile(target, "utf8"); } catch { /* first build */ }
const sizes = entries.map(({ name, binary }) => `${name} ${binary.length}`).join(", ");
if (check) {
  if (current !== text) {
    console.error(`build-wasm: ${target} is out of date; run node scripts/build-wasm.mjs`);
    process.exit(1);
  }
  console.log(`build-wasm: ${target} is up to date`);
} else if (current !== text) {
  await writeFile(target, text);
  console.log(`build-wasm: wrote ${target} (bytes of wasm: ${sizes})`);
} else {
  console.log(`build-wasm: ${target} is up to date (bytes of wasm: ${sizes})`);
}
