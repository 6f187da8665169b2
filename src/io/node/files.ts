/**
 * Node-only file helpers. Every write is atomic: the bytes go to a temporary file in the same
 * directory, are flushed, and the file is renamed over the target, so a crash never leaves a
 * half-written checkpoint where a good one was.
 */
import { mkdir, open, rename, rm, readFile } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import type { Tensor } from "../../tensor/tensor.js";
import { decodeSafetensors, encodeSafetensors, type Safetensors } from "../safetensors.js";

/** Distinguishes temp files of concurrent writes to one path within a process. */
let writes = 0;

/** Writes `data` to `path` atomically (temp file + fsync + rename). Creates the directory. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${++writes}.tmp`);
  const handle = await open(tmp, "w");
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Saves named tensors as a .safetensors file (atomically). */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Loads a .safetensors file; errors name the file. */
export async function loadSafetensors(path: string): Promise<Safetensors> {
  const bytes = await readFile(path);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
