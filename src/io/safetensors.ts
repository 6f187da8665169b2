/**
 * The safetensors format (browser-safe encode/decode on bytes): an 8-byte little-endian header
 * length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}},
 * then the raw little-endian tensor bytes. It is what PyTorch/Hugging Face tools read.
 */
import { Tensor } from "../tensor/tensor.js";
import { allocArray, type DType } from "../tensor/dtype.js";
import { numel } from "../tensor/shape.js";
import { ValueError } from "../errors.js";

const toFormat: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

/**
 * How each stored dtype is read: formats Myelin has are copied as they are; the others PyTorch
 * commonly writes are converted — I64/I16/I8/U8 to int32 (I64 checked to fit), F16/BF16 to
 * float32 (exact: every half value is a float32 value).
 */
interface StoredFormat {
  dtype: DType;
  bytes: number;
  /** Reads element i (little-endian); absent when the bytes are copied as they are. */
  read?: (v: DataView, at: number) => number;
}

function half(v: DataView, at: number): number {
  const h = v.getUint16(at, true);
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bfloat16(v: DataView, at: number): number {
  bf16Scratch.setUint32(0, v.getUint16(at, true) << 16);
  return bf16Scratch.getFloat32(0);
}

function int64(v: DataView, at: number): number {
  const x = v.getBigInt64(at, true);
  if (x < -2147483648n || x > 2147483647n) throw new RangeError(String(x));
  return Number(x);
}

const stored: Record<string, StoredFormat> = {
  F32: { dtype: "float32", bytes: 4 },
  F64: { dtype: "float64", bytes: 8 },
  I32: { dtype: "int32", bytes: 4 },
  BOOL: { dtype: "bool", bytes: 1 },
  I64: { dtype: "int32", bytes: 8, read: int64 },
  I16: { dtype: "int32", bytes: 2, read: (v, at) => v.getInt16(at, true) },
  I8: { dtype: "int32", bytes: 1, read: (v, at) => v.getInt8(at) },
  U8: { dtype: "int32", bytes: 1, read: (v, at) => v.getUint8(at) },
  F16: { dtype: "float32", bytes: 2, read: half },
  BF16: { dtype: "float32", bytes: 2, read: bfloat16 },
};

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Serializes named tensors (and string metadata) to safetensors bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (name === "__metadata__") throw new ValueError(`encodeSafetensors: "__metadata__" is reserved and cannot name a tensor`);
    const dense = t.toTypedArray();
    const bytes = new Uint8Array(dense.buffer, dense.byteOffset, dense.byteLength);
    header[name] = { dtype: toFormat[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  json += " ".repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parsed safetensors contents. */
export interface Safetensors {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

/** Parses safetensors bytes; `name` (a file name) is used in error messages. */
export function decodeSafetensors(bytes: Uint8Array, name = "safetensors data"): Safetensors {
  if (bytes.length < 8) throw new ValueError(`${name}: ${bytes.length} bytes is too short for a safetensors file (needs an 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) throw new ValueError(`${name}: header length ${headerLen} at offset 0 exceeds the file size ${bytes.length}`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new ValueError(`${name}: header at offset 8 is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(header)) throw new ValueError(`${name}: header at offset 8 must be a JSON object, got ${JSON.stringify(header)}`);
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const tensors: Record<string, Tensor> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === "__metadata__") continue;
    const entry = checkEntry(value, `${name}: tensor "${key}" in the header at offset 8`);
    const format = stored[entry.dtype];
    const [begin, end] = entry.data_offsets;
    const n = numel(entry.shape);
    if (!(begin <= end && end <= dataLen && end - begin === n * format.bytes)) {
      throw new ValueError(
        `${name}: tensor "${key}" (${entry.dtype} ${JSON.stringify(entry.shape)}) has data offsets [${begin}, ${end}] (file offsets ${dataStart + begin}..${dataStart + end}) ` +
          `that do not hold its ${n * format.bytes} bytes within the ${dataLen} data bytes at offset ${dataStart}`,
      );
    }
    const data = allocArray(format.dtype, n);
    const raw = bytes.subarray(dataStart + begin, dataStart + end);
    if (!format.read) new Uint8Array(data.buffer).set(raw);
    else {
      const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < n; i++) {
        try {
          data[i] = format.read(v, i * format.bytes);
        } catch (e) {
          throw new ValueError(`${name}: tensor "${key}" (${entry.dtype}) element ${i} = ${e instanceof Error ? e.message : String(e)} does not fit int32`);
        }
      }
    }
    tensors[key] = new Tensor(data, entry.shape);
  }
  const metadata = header.__metadata__ ?? {};
  if (!isObject(metadata) || Object.values(metadata).some((v) => typeof v !== "string")) {
    throw new ValueError(`${name}: "__metadata__" in the header at offset 8 must map strings to strings, got ${JSON.stringify(metadata)}`);
  }
  return { tensors, metadata: metadata as Record<string, string> };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Checks one header entry's fields, so a malformed file fails with a message, not a TypeError. */
function checkEntry(value: unknown, where: string): HeaderEntry {
  if (!isObject(value)) throw new ValueError(`${where} must be an object {dtype, shape, data_offsets}, got ${JSON.stringify(value)}`);
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string" || !Object.hasOwn(stored, dtype)) {
    throw new ValueError(`${where} has unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(stored).join(", ")})`);
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new ValueError(`${where} has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    throw new ValueError(`${where} has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end])`);
  }
  return { dtype, shape: shape as number[], data_offsets: offsets as [number, number] };
}
