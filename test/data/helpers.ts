/** Builders of small data files for the data tests: IDX bytes and temp directories. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** An IDX file: magic (type code, ndim), big-endian dims, then `body` as given. */
export function idxBytes(typeCode: number, dims: readonly number[], body: Uint8Array | readonly number[]): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** A uint8 IDX file holding `values` with shape `dims`. */
export function ubyteIdx(dims: readonly number[], values: readonly number[]): Uint8Array {
  return idxBytes(0x08, dims, values);
}

/** A fresh temp directory; `cleanup()` removes it. */
export function tempDir(prefix: string): { dir: string; write(name: string, bytes: Uint8Array, gzip?: boolean): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `myelin-${prefix}-`));
  return {
    dir,
    write(name, bytes, gzip = false) {
      const path = join(dir, name);
      writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** n images of h×w bytes where pixel j of image i is (i·7 + j) mod 256, and their labels. */
export function fakeMnist(n: number, h: number, w: number, labels: readonly number[]): { images: Uint8Array; labels: Uint8Array } {
  const px = Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 7 + (k % (h * w))) % 256);
  return { images: ubyteIdx([n, h, w], px), labels: ubyteIdx([labels.length], labels) };
}
