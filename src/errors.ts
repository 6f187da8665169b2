/**
 * Error classes. Every message names the op and the shapes or values involved, so a user can
 * fix the call site without reading a kernel.
 */

/** Base class of every error Myelin throws on purpose. */
export class MyelinError extends Error {
  override name = "MyelinError";
}

/** Shapes that do not fit an op (e.g. `matmul: shapes [2,3] and [4,5] are not aligned (3 != 4)`). */
export class ShapeError extends MyelinError {
  override name = "ShapeError";
}

/** A tensor of the wrong dtype for an op (e.g. float targets where class indices are needed). */
export class DTypeError extends MyelinError {
  override name = "DTypeError";
}

/** A value outside its allowed range (class index ≥ number of classes, negative size, …). */
export class ValueError extends MyelinError {
  override name = "ValueError";
}

/** Misuse of the autograd engine (backward on a non-scalar, through a freed graph, …). */
export class AutogradError extends MyelinError {
  override name = "AutogradError";
}

/** Formats a shape the way messages print it: `[2,3,4]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
