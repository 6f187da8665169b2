/**
 * Reading data files in Node: whole-file reads that undo gzip when the bytes say so (magic
 * 1f 8b, whatever the file is called), and `loadIdxFile`. Errors name the file.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DataFormatError, DatasetNotFoundError } from "../errors.js";
import { parseIdx, type IdxArray } from "../idx.js";

/** The bytes of `path`, gunzipped when they start with the gzip magic number. */
export function readDataFile(path: string, op = "readDataFile"): Uint8Array {
  let raw: Buffer;
  try {
    raw = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DatasetNotFoundError(`${op}: ${path} does not exist`);
    throw new DatasetNotFoundError(`${op}: cannot read ${path}: ${(e as Error).message}`);
  }
  let bytes: Buffer = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (e) {
      throw new DataFormatError(`${op}: ${path} starts like a gzip file but does not decompress (${(e as Error).message}); the file is corrupt or truncated`);
    }
  }
  // A plain Uint8Array view, so Buffer's own methods never leak into datasets.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads and parses an IDX file, gzipped or not.
 *
 * @example const labels = loadIdxFile("/data/train-labels-idx1-ubyte.gz"); // shape [60000]
 */
export function loadIdxFile(path: string): IdxArray {
  return parseIdx(readDataFile(path, "loadIdxFile"), path);
}
