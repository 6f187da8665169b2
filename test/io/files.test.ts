/**
 * Node file helpers: writeFileAtomic writes, replaces atomically (no temp files left, also when
 * writes race or fail), creates directories; saveSafetensors/loadSafetensors round-trip and
 * name the file in errors.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tensor } from "../../src/index.js";
import { writeFileAtomic, saveSafetensors, loadSafetensors } from "../../src/io/node/files.js";
import { assertSameTensor } from "./helpers.js";

let root = "";
before(async () => {
  root = await mkdtemp(join(tmpdir(), "myelin-files-"));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("writes strings and bytes", async () => {
    const dir = join(root, "basic");
    await writeFileAtomic(join(dir, "a.txt"), "héllo\n");
    await writeFileAtomic(join(dir, "b.bin"), Uint8Array.from([0, 255, 7]));
    assert.equal(await readFile(join(dir, "a.txt"), "utf8"), "héllo\n");
    assert.deepEqual(Array.from(await readFile(join(dir, "b.bin"))), [0, 255, 7]);
    assert.deepEqual((await readdir(dir)).sort(), ["a.txt", "b.bin"]);
  });

  it("replaces an existing file and leaves no temporary files", async () => {
    const dir = join(root, "replace");
    const file = join(dir, "model.bin");
    await mkdir(dir);
    await writeFile(file, "old contents that are longer than the new ones");
    await writeFileAtomic(file, "new");
    assert.equal(await readFile(file, "utf8"), "new");
    assert.deepEqual(await readdir(dir), ["model.bin"]);
  });

  it("creates missing directories", async () => {
    const file = join(root, "deep", "er", "still", "x.json");
    await writeFileAtomic(file, "{}");
    assert.equal(await readFile(file, "utf8"), "{}");
  });

  it("concurrent writes to one path: each lands whole, the last rename wins, no temp left", async () => {
    const dir = join(root, "race");
    const file = join(dir, "f.txt");
    const payloads = Array.from({ length: 8 }, (_, i) => String(i).repeat(10000 + i));
    await Promise.all(payloads.map((p) => writeFileAtomic(file, p)));
    assert.ok(payloads.includes(await readFile(file, "utf8")), "the file holds one complete payload");
    assert.deepEqual(await readdir(dir), ["f.txt"]);
  });

  it("a failed rename (target is a directory) throws and removes its temp file", async () => {
    const dir = join(root, "fail");
    await mkdir(join(dir, "target"), { recursive: true });
    await assert.rejects(writeFileAtomic(join(dir, "target"), "x"), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
    assert.deepEqual(await readdir(dir), ["target"]);
  });
});

describe("saveSafetensors / loadSafetensors", () => {
  it("round-trip through a file", async () => {
    const file = join(root, "st", "w.safetensors");
    const w = tensor([[1, 2], [3, 4]], { dtype: "float64" });
    await saveSafetensors(file, { w }, { format: "pt" });
    const { tensors, metadata } = await loadSafetensors(file);
    assertSameTensor(tensors.w, w);
    assert.deepEqual(metadata, { format: "pt" });
  });

  it("errors name the file", async () => {
    const file = join(root, "st", "broken.safetensors");
    await writeFile(file, "abc");
    await assert.rejects(loadSafetensors(file), (e: Error) => e.message.startsWith(`${file}: 3 bytes is too short`));
    await assert.rejects(loadSafetensors(join(root, "st", "missing.safetensors")), /ENOENT/);
  });
});
