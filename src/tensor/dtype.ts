/**
 * Data types. `float32` is the default for values, `int32` holds labels and indices, `float64`
 * exists for gradient checks, `bool` is what comparisons return (stored as bytes).
 */

export type DType = "float32" | "float64" | "int32" | "bool";

/** The typed array that stores each dtype. */
export interface DTypeArrays {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/** Any storage array. */
export type TypedArray = DTypeArrays[DType];

/** Allocates a zero-filled array of `size` elements of `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArrays[D];
export function allocArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32": return new Float32Array(size);
    case "float64": return new Float64Array(size);
    case "int32": return new Int32Array(size);
    case "bool": return new Uint8Array(size);
  }
}

/** The dtype whose storage is `data`. */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloat(dtype: DType): dtype is "float32" | "float64" {
  return dtype === "float32" || dtype === "float64";
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch-style type promotion for binary ops: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/** The dtype an arithmetic result takes: bools compute as int32. */
export function arithmeticType(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

/** The floating dtype an op like `exp` or `mean` computes in. */
export function floatType(d: DType): "float32" | "float64" {
  return d === "float64" ? "float64" : "float32";
}
