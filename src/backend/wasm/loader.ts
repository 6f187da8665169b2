/**
 * Loads the WebAssembly kernels: feature detection, synchronous instantiation from the embedded
 * base64 bytes (no file I/O or fetch, so it works the same in Node and in browsers), and the one
 * growable linear memory that every kernel works in. The kernels come as several modules (see
 * scripts/build-wasm.mjs), each under the 4 KiB that Chrome allows to compile synchronously on
 * the main thread, all importing the same memory; none has static data, so they do not collide.
 * The memory is shared when the engine allows it, so worker threads (thread-pool.ts) instantiate
 * the same modules on it and run kernels side by side with the calling thread.
 *
 * Memory layout: [static data (none) | small scratch | thread-pool control block | one GEMM
 * packing scratch per thread | per-call region …]. Each kernel call lays out its operands in the
 * per-call region from its start (`layout`), copies them in, runs, and copies the result out;
 * calls never overlap, so nothing is freed.
 *
 * Plan for fewer copies: intermediates cannot live here without `dispose()`, because a
 * FinalizationRegistry only reports dead arrays after a full garbage collection (V8's
 * young-generation collections do not; measured on Node 20) and when the event loop turns (never
 * inside a plain synchronous training loop), and WeakRefs keep their targets alive until the
 * current job ends.
 * Long-lived storage whose lifetime Myelin controls can: parameters, buffers and optimizer state
 * allocated from a free list in this memory (views of a *shared* memory stay valid when it
 * grows), released through a FinalizationRegistry when their module is gone. Kernels then
 * recognise such operands (their `data.buffer` is one of `memory.buffer`'s) and pass
 * `data.byteOffset + 4·offset` straight to the wasm (the kernels already read arbitrary strides)
 * instead of copying them, and optimizer updates run as wasm kernels in place. `toTypedArray()`
 * must copy such storage, so no view of it outlives its tensor.
 */
import { wasmModules, type WasmModuleBytes } from "./kernels.generated.js";
import { MyelinError } from "../../errors.js";

/** The subset of the WebAssembly JS API used here (the project compiles without lib.dom). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}

/** Every module exports where its static data ends. */
interface ModuleBase {
  heapBase(): number;
}

/**
 * Exports of assembly/sgemm.ts (pointers are byte addresses, strides are in elements):
 * C[t] (+)= A[t]·B[t], see the file comment there.
 */
export interface SgemmExports extends ModuleBase {
  workBytes(): number;
  sgemm(
    batch: number, m: number, n: number, k: number,
    a: number, sa0: number, sa1: number, sa2: number,
    b: number, sb0: number, sb1: number, sb2: number,
    c: number, work: number, accumulate: boolean,
  ): void;
  /** The deepest packed B that `sgemmPanels` takes (`ConvExports.packPanels` writes that layout). */
  panelDepth(): number;
  /** C [m, n] (row stride ldc) (+)= A · B for a B of k ≤ `panelDepth()` rows packed into panels (see assembly/sgemm.ts). */
  sgemmPanels(
    m: number, n: number, k: number, a: number, sa1: number, sa2: number, panels: number, c: number, ldc: number, work: number, accumulate: boolean,
  ): void;
}

/** The geometry arguments of the 2-D window kernels: input plane, kernel, stride, padding, dilation, output plane. */
export type Window2d = [
  H: number, W: number, kh: number, kw: number, sh: number, sw: number,
  ph: number, pw: number, dh: number, dw: number, oh: number, ow: number,
];

/** Exports of assembly/conv.ts: one image's columns (plain or packed) and their adjoint, and the bias/ReLU epilogue. */
export interface ConvExports extends ModuleBase {
  im2col2d(x: number, C: number, ...rest: [...Window2d, cols: number]): void;
  /** Column stride 1: copies one image with its padding and tap offsets to scratch; returns the taps' address (see assembly/conv.ts). */
  padImage(
    x: number, C: number, H: number, W: number, kh: number, kw: number, sh: number, ph: number, pw: number,
    dh: number, dw: number, oh: number, ow: number, scratch: number,
  ): number;
  /** A block of that image's columns (positions [q0, q1), taps [k0, k1)), packed into the GEMM's B panels. */
  packPanels(padded: number, taps: number, rowStep: number, ow: number, L: number, q0: number, q1: number, k0: number, k1: number, dst: number): void;
  col2im2d(cols: number, C: number, ...rest: [...Window2d, x: number]): void;
  epilogue(y: number, planes: number, L: number, b: number, M: number, p0: number, relu: boolean): void;
}

/**
 * Exports of assembly/depthwise.ts: direct depthwise convolution x [N, C, H, W] ⋆
 * w [C·Mg, 1, kh, kw] on whole planes — input planes [p0, p1) for the forward pass and the input
 * gradient, the output channels of input channels [c0, c1) for the weight gradient.
 */
export interface DepthwiseExports extends ModuleBase {
  forward(x: number, w: number, y: number, p0: number, p1: number, C: number, Mg: number, ...win: Window2d): void;
  inputGrad(dy: number, w: number, dx: number, p0: number, p1: number, C: number, Mg: number, ...win: Window2d): void;
  weightGrad(x: number, dy: number, dw: number, c0: number, c1: number, N: number, C: number, Mg: number, ...win: Window2d): void;
}

/** Exports of assembly/pool.ts. */
export interface PoolExports extends ModuleBase {
  maxPool2d(x: number, planes: number, ...rest: [...Window2d, sign: number, values: number, indices: number]): void;
  maxPool2x2(x: number, planes: number, H: number, W: number, oh: number, ow: number, sign: number, values: number, indices: number): void;
  avgDivisors2d(
    H: number, W: number, kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, oh: number, ow: number,
    countIncludePad: boolean, divisor: number, div: number,
  ): void;
  avgPool2d(x: number, planes: number, ...rest: [...Window2d, div: number, out: number]): void;
  avgPoolGrad2d(g: number, planes: number, ...rest: [...Window2d, div: number, out: number]): void;
  scatterPlanes(src: number, indices: number, planes: number, per: number, planeSize: number, out: number): void;
}

/** Exports of assembly/elementwise.ts (op codes as listed there). */
export interface ElementwiseExports extends ModuleBase {
  binary(op: number, rows: number, cols: number, a: number, ra: number, ca: number, b: number, rb: number, cb: number, out: number, scratch: number): void;
  unary(op: number, n: number, x: number, out: number): void;
  unaryGrad(op: number, n: number, x: number, g: number, out: number): void;
}

/** Exports of assembly/reduce.ts. */
export interface ReduceExports extends ModuleBase {
  sum3(d0: number, d1: number, d2: number, x: number, sx0: number, sx1: number, sx2: number, acc: number, so0: number, so1: number, so2: number): void;
  toF32(n: number, acc: number, out: number): void;
}

/** Exports of assembly/norm.ts: x [N, C, S] with G statistic groups (0: batch norm); f64 parameters and sums. */
export interface NormExports extends ModuleBase {
  sums(R: number, Q: number, T: number, x: number, center: number, acc: number): void;
  normalize(N: number, C: number, S: number, G: number, x: number, mean: number, inv: number, w: number, b: number, y: number, scratch: number): void;
  gradSums(
    N: number, C: number, S: number, G: number, x: number, g: number, mean: number, inv: number, w: number,
    dB: number, dW: number, sG: number, sGX: number, scratch: number,
  ): void;
  inputGrad(N: number, C: number, S: number, G: number, x: number, g: number, inv: number, w: number, c0: number, c1: number, dx: number, scratch: number): void;
}

/**
 * Exports of assembly/cross-entropy.ts: softmax cross-entropy of f32 x [n, c] with i32 class
 * indices (negative: ignored) and f64 class weights w [c]; per-row lse, losses and scale are f64.
 */
export interface CrossEntropyExports extends ModuleBase {
  forward(n: number, c: number, x: number, cls: number, w: number, eps: number, losses: number, lse: number): void;
  backward(n: number, c: number, x: number, cls: number, w: number, eps: number, lse: number, scale: number, dx: number): void;
}

const PAGE = 65536;
/** wasm32 addresses 4 GiB at most (engines may refuse sooner; `reserve` then reports false). */
const MAX_PAGES = 65536;
/** Operands are placed on cache-line boundaries. */
const ALIGN = 64;
/** Bytes of small scratch (splatted scalars) before the GEMM's packing buffers. */
const SMALL_SCRATCH = 64;
/** The "shared" bit of a memory import's limits flags. */
const SHARED_BIT = 2;

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

/**
 * `(module (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2
 * f32x4.relaxed_madd))`: valid exactly where relaxed SIMD is supported.
 */
const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,               // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,   // type section: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00,                                       // function section
  0x0a, 0x0d, 0x01, 0x0b, 0x00,                                 // code section, one body without locals
  0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02,         // local.get ×3, f32x4.relaxed_madd
  0x0b,                                                         // end
]);

let supported: boolean | undefined;
let relaxedEnabled: boolean | undefined;

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

/**
 * True when the kernels use relaxed SIMD: the engine has it (Node ≥ 22, Chrome ≥ 114; Node 20
 * with `--experimental-wasm-relaxed-simd`) and the environment variable MYELIN_RELAXED_SIMD is
 * not "0". The GEMM then uses fused multiply-adds, which are faster and round once instead of
 * twice, so results differ in the last bits from a run without it (each is reproducible).
 */
export function relaxedSimdEnabled(): boolean {
  if (relaxedEnabled === undefined) {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    try {
      relaxedEnabled = env?.MYELIN_RELAXED_SIMD !== "0" && wasmSupported() && api!.validate(RELAXED_SIMD_PROBE);
    } catch {
      relaxedEnabled = false;
    }
  }
  return relaxedEnabled;
}

/** The instantiated kernel modules, one instance of each per thread. */
export interface KernelModules {
  readonly sgemm: SgemmExports;
  readonly conv: ConvExports;
  readonly depthwise: DepthwiseExports;
  readonly pool: PoolExports;
  readonly elementwise: ElementwiseExports;
  readonly reduce: ReduceExports;
  readonly norm: NormExports;
  readonly crossEntropy: CrossEntropyExports;
}

/** The kernel modules on the calling thread, their memory and its fixed layout. */
export interface WasmRuntime extends KernelModules {
  /** Whether the relaxed-SIMD builds are in use (worker threads use the same, so results match). */
  readonly relaxed: boolean;
  /** The memory every kernel (and every worker thread) works in. */
  readonly memory: WasmMemory;
  /** Whether `memory` is shared, so worker threads can use it. */
  readonly shared: boolean;
  /** Byte address of 64 bytes of scratch for small kernels (e.g. splatted scalars). */
  readonly scratch: number;
  /** Byte address of the thread pool's control block (`CONTROL_BYTES` long). */
  readonly control: number;
  /** Byte address of thread 0's GEMM scratch; thread t's is at `work + t · workBytes`. */
  readonly work: number;
  /** Bytes of one thread's GEMM scratch (`sgemm.workBytes()`, aligned). */
  readonly workBytes: number;
  /** Byte address where per-call data may start (after the GEMM scratch of every thread). */
  readonly dataStart: number;
  /** Lays out GEMM scratch for `threads` threads (moves `dataStart`); false if memory is short. */
  reserveThreads(threads: number): boolean;
  /**
   * Makes the memory at least `bytes` long; false if it cannot grow that far. Growing replaces
   * `memory.buffer`, so take views after calling this.
   */
  reserve(bytes: number): boolean;
  /** The whole memory as floats (valid until the next `reserve`). */
  f32(): Float32Array;
  /** The whole memory as int32 (valid until the next `reserve`). */
  i32(): Int32Array;
}

/** Bytes of the thread pool's control block (see thread-pool.ts). */
export const CONTROL_BYTES = 4096;

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

function wasmApi(): WasmApi {
  if (!api || !wasmSupported()) throw new MyelinError("wasm backend: this engine has no WebAssembly SIMD128 support");
  return api;
}

/**
 * Instantiates every kernel module on `memory`, the relaxed-SIMD builds where they exist if
 * `relaxed`. The modules import a shared memory; for an unshared one (no cross-origin isolation in
 * a browser) the import's shared bit is cleared.
 */
export function instantiateKernels(memory: WasmMemory, shared: boolean, relaxed: boolean): KernelModules {
  const wasm = wasmApi();
  const load = <T extends ModuleBase>(variants: WasmModuleBytes & { readonly relaxed: WasmModuleBytes | null }): T => {
    const module = (relaxed && variants.relaxed) || variants;
    const bytes = decodeBase64(module.base64);
    if (!shared) bytes[module.sharedFlagAt] &= ~SHARED_BIT;
    return new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as unknown as T;
  };
  return {
    sgemm: load<SgemmExports>(wasmModules.sgemm),
    conv: load<ConvExports>(wasmModules.conv),
    depthwise: load<DepthwiseExports>(wasmModules.depthwise),
    pool: load<PoolExports>(wasmModules.pool),
    elementwise: load<ElementwiseExports>(wasmModules.elementwise),
    reduce: load<ReduceExports>(wasmModules.reduce),
    norm: load<NormExports>(wasmModules.norm),
    crossEntropy: load<CrossEntropyExports>(wasmModules.crossEntropy),
  };
}

/**
 * A memory for the kernels: shared when the engine allows it (trying smaller maxima where the
 * 4 GiB reservation is refused), else unshared.
 */
function createMemory(wasm: WasmApi): { memory: WasmMemory; shared: boolean } {
  if (typeof SharedArrayBuffer === "function") {
    for (const maximum of [MAX_PAGES, MAX_PAGES / 4, MAX_PAGES / 16]) {
      try {
        return { memory: new wasm.Memory({ initial: 1, maximum, shared: true }), shared: true };
      } catch {
        // the engine refused this reservation (or shared memory altogether): try less, then unshared
      }
    }
  }
  return { memory: new wasm.Memory({ initial: 1, maximum: MAX_PAGES }), shared: false };
}

/** The kernel runtime, instantiated on first use. Throws if WebAssembly SIMD is unavailable. */
export function wasmRuntime(): WasmRuntime {
  if (runtime) return runtime;
  const { memory, shared } = createMemory(wasmApi());
  const relaxed = relaxedSimdEnabled();
  const modules = instantiateKernels(memory, shared, relaxed);
  const scratch = align(Math.max(...Object.values(modules).map((m: ModuleBase) => m.heapBase())));
  const control = align(scratch + SMALL_SCRATCH);
  const work = align(control + CONTROL_BYTES);
  const workBytes = align(modules.sgemm.workBytes());
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
  const rt = {
    ...modules, relaxed, memory, shared, scratch, control, work, workBytes, dataStart: work + workBytes, reserve,
    reserveThreads(threads: number): boolean {
      const end = work + threads * workBytes;
      if (!reserve(end)) return false;
      rt.dataStart = end;
      return true;
    },
    f32: () => new Float32Array(memory.buffer),
    i32: () => new Int32Array(memory.buffer),
  };
  if (!rt.reserveThreads(1)) throw new MyelinError("wasm backend: cannot allocate the kernels' scratch memory");
  runtime = rt;
  return runtime;
}

/**
 * Lays out one call's buffers in the per-call region: `sizes` are in 4-byte elements, the
 * result holds each buffer's byte address (cache-line aligned). Null when the memory cannot
 * grow that far (the caller then falls back to the reference kernel).
 */
export function layout(rt: WasmRuntime, ...sizes: number[]): number[] | null {
  const at: number[] = [];
  let end = rt.dataStart;
  for (const n of sizes) {
    at.push(end);
    end = align(end + n * 4);
  }
  return rt.reserve(end) ? at : null;
}
