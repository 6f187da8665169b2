/**
 * Loads the WebAssembly kernels: feature detection, synchronous instantiation from the embedded
 * base64 bytes (no file I/O or fetch, so it works the same in Node and in browsers), and the one
 * growable linear memory that every kernel call works in. The module stays under the 4 KiB that
 * Chrome allows to compile synchronously on the main thread; a larger one would need an async
 * `WebAssembly.instantiate` step before first use.
 *
 * Memory layout: [static data | scratch for packing (fixed) | per-call operands …]. For now each
 * call copies its operands' storage into the per-call region and copies the result out.
 *
 * Plan for zero-copy tensors: give float32 storage an allocator inside this memory (a size-class
 * free list, released through FinalizationRegistry or an explicit dispose) and make storage a
 * handle {ptr, length} whose Float32Array view is re-derived whenever `memory.buffer` changes,
 * because growing the memory detaches the old ArrayBuffer. Kernels then recognise operands whose
 * `data.buffer === memory.buffer` and pass `data.byteOffset / 4 + offset` straight to the wasm
 * (the kernels already read arbitrary strides), and allocate their outputs in the arena too.
 */
import { sgemmWasmBase64 } from "./kernels.generated.js";
import { MyelinError } from "../../errors.js";

/** The subset of the WebAssembly JS API used here (the project compiles without lib.dom). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** Exports of assembly/sgemm.ts (pointers are byte addresses, strides are in elements). */
export interface SgemmExports {
  heapBase(): number;
  workBytes(): number;
  sgemm(
    batch: number, m: number, n: number, k: number,
    a: number, sa0: number, sa1: number, sa2: number,
    b: number, sb0: number, sb1: number, sb2: number,
    c: number, work: number,
  ): void;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most (engines may refuse sooner; `reserve` then reports false). */
const MAX_PAGES = 65536;
/** Operands are placed on cache-line boundaries. */
const ALIGN = 64;

const api: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** `(module (func (result v128) v128.const 0))`: valid exactly where SIMD128 is supported. */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,   // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,         // type section: () -> v128
  0x03, 0x02, 0x01, 0x00,                           // function section: one function of type 0
  0x0a, 0x16, 0x01, 0x14, 0x00, 0xfd, 0x0c,         // code section: v128.const
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0x0b,                                             // end
]);

let supported: boolean | undefined;

/** True when this JS engine runs WebAssembly with the SIMD128 extension. */
export function wasmSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = api !== undefined && api.validate(SIMD_PROBE);
    } catch {
      supported = false;
    }
  }
  return supported;
}

/** An instantiated kernel module and its memory. */
export interface WasmRuntime {
  readonly exports: SgemmExports;
  /** Byte address of the kernels' scratch space (`exports.workBytes()` long). */
  readonly work: number;
  /** Byte address where per-call data may start. */
  readonly dataStart: number;
  /**
   * Makes the memory at least `bytes` long; false if it cannot grow that far. Growing detaches
   * previously obtained views of `memory.buffer`, so take views after calling this.
   */
  reserve(bytes: number): boolean;
  /** The whole memory as floats (valid until the next `reserve`). */
  f32(): Float32Array;
}

let runtime: WasmRuntime | undefined;

/** Rounds a byte count up to the operand alignment. */
export function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The kernel runtime, instantiated on first use. Throws if WebAssembly SIMD is unavailable. */
export function wasmRuntime(): WasmRuntime {
  if (runtime) return runtime;
  if (!api || !wasmSupported()) throw new MyelinError("wasm backend: this engine has no WebAssembly SIMD128 support");
  const memory = new api.Memory({ initial: 1 });
  const instance = new api.Instance(new api.Module(decodeBase64(sgemmWasmBase64)), { env: { memory } });
  const exports = instance.exports as unknown as SgemmExports;
  const work = align(exports.heapBase());
  const dataStart = align(work + exports.workBytes());
  const reserve = (bytes: number): boolean => {
    const have = memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil(bytes / PAGE);
    if (pages > MAX_PAGES) return false;
    try {
      memory.grow(pages - have / PAGE);
      return true;
    } catch {
      return false; // the engine refused to allocate
    }
  };
  if (!reserve(dataStart)) throw new MyelinError("wasm backend: cannot allocate the kernels' scratch memory");
  runtime = { exports, work, dataStart, reserve, f32: () => new Float32Array(memory.buffer) };
  return runtime;
}
