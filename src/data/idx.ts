/**
 * Parser of the IDX format (MNIST, Fashion-MNIST, EMNIST, …) from bytes, browser-safe.
 * Layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
 * 0x0D float32, 0x0E float64), the number of dims, then each dim as a big-endian uint32, then
 * the elements big-endian in row-major order. Every length is checked against the header
 * before anything is allocated, so a truncated file or a lying header fails fast with the
 * file name, the expected and the actual length.
 */
import { DataFormatError } from "./errors.js";

/** Element types of IDX files. */
export type IdxDType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

/** A parsed IDX file. For uint8/int8 `data` is a view of the input bytes (no copy). */
export interface IdxArray {
  /** The file name given to the parser (used in later error messages). */
  name: string;
  dtype: IdxDType;
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDType; bytes: number }> = {
  0x08: { dtype: "uint8", bytes: 1 },
  0x09: { dtype: "int8", bytes: 1 },
  0x0b: { dtype: "int16", bytes: 2 },
  0x0c: { dtype: "int32", bytes: 4 },
  0x0d: { dtype: "float32", bytes: 4 },
  0x0e: { dtype: "float64", bytes: 8 },
};

/**
 * Parses an uncompressed IDX file. `name` (the file name) appears in every error.
 *
 * @example
 * const { shape, data } = parseIdx(bytes, "train-images-idx3-ubyte"); // shape [60000,28,28], data: Uint8Array
 */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const fail = (why: string) => new DataFormatError(`parseIdx: ${name}: ${why}`);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw fail("is gzip-compressed; decompress it first (the Node loader loadIdxFile does this)");
  }
  if (bytes.length < 4) throw fail(`is ${bytes.length} bytes long, too short for an IDX header (4 bytes)`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const type = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined) {
    throw fail(
      `bad magic number 0x${magic.toString(16).padStart(8, "0")}: not an IDX file ` +
        "(expected 0x0000 followed by a type code 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E and the number of dims)",
    );
  }
  const ndim = bytes[3];
  if (ndim === 0) throw fail("header declares 0 dimensions");
  const header = 4 + 4 * ndim;
  if (bytes.length < header) throw fail(`is ${bytes.length} bytes long, too short for the header of a ${ndim}-D IDX file (${header} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  // In float64 the product can round, but never down to a length that fits in memory.
  const count = shape.reduce((p, d) => p * d, 1);
  const expected = header + count * type.bytes;
  if (bytes.length !== expected) {
    throw fail(
      `expected ${expected} bytes for ${type.dtype} data of shape [${shape.join(",")}] ` +
        `(${header}-byte header + ${count} × ${type.bytes} bytes), got ${bytes.length} bytes` +
        (bytes.length < expected ? " (truncated file, or a header that does not match the data)" : " (trailing bytes after the data)"),
    );
  }
  return { name, dtype: type.dtype, shape, data: decode(view, header, count, type.dtype, bytes) };
}

function decode(view: DataView, at: number, count: number, dtype: IdxDType, bytes: Uint8Array): IdxArray["data"] {
  switch (dtype) {
    case "uint8":
      return bytes.subarray(at, at + count);
    case "int8":
      return new Int8Array(bytes.buffer, bytes.byteOffset + at, count);
    case "int16": {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case "int32": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case "float32": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case "float64": {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}
