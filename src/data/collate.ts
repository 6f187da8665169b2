/**
 * Default collation: turns a list of samples into one batch, like PyTorch's `default_collate`.
 * Tensors are stacked along a new dim 0 (so [C,H,W] images become an NCHW batch), numbers
 * become a 1-D tensor (int32 when every number is an integer, as labels are; float32
 * otherwise), booleans a bool tensor, and arrays/objects are collated position by position.
 */
import { Tensor } from "../tensor/tensor.js";
import { stack } from "../ops/movement.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";

/** The batch type `defaultCollate` makes from samples of type T. */
export type Collated<T> = T extends Tensor | number | boolean
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Collated<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Collated<T[K]> }
      : never;

/**
 * Stacks a non-empty list of samples into a batch.
 *
 * @example
 * const [x, y] = defaultCollate([[img0, 3], [img1, 7]]); // x: [2,C,H,W] float32, y: [2] int32
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (samples.length === 0) throw new ValueError("defaultCollate: expected at least one sample");
  return collateAt(samples as readonly unknown[], "sample") as Collated<T>;
}

function collateAt(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  if (first instanceof Tensor) return stackTensors(items, path);
  if (typeof first === "number") return numbersToTensor(items, path);
  if (typeof first === "boolean") {
    const out = new Uint8Array(items.length);
    items.forEach((v, i) => {
      if (typeof v !== "boolean") throw mixed(path, i, "a boolean", v);
      out[i] = v ? 1 : 0;
    });
    return new Tensor(out, [items.length]);
  }
  if (Array.isArray(first)) {
    items.forEach((v, i) => {
      if (!Array.isArray(v) || v.length !== first.length) {
        throw new ShapeError(`defaultCollate: ${path} ${i} has ${Array.isArray(v) ? v.length : "no"} fields, sample 0 has ${first.length}`);
      }
    });
    return first.map((_, k) => collateAt(items.map((v) => (v as unknown[])[k]), `${path}[${k}]`));
  }
  if (first !== null && typeof first === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collateAt(items.map((v) => (v as Record<string, unknown>)[key]), `${path}.${key}`);
    }
    return out;
  }
  throw new ValueError(`defaultCollate: cannot collate ${path} of type ${first === null ? "null" : typeof first}; pass a custom collate`);
}

function stackTensors(items: readonly unknown[], path: string): Tensor {
  const first = items[0] as Tensor;
  items.forEach((v, i) => {
    if (!(v instanceof Tensor)) throw mixed(path, i, "a Tensor", v);
    if (v.shape.length !== first.shape.length || v.shape.some((d, k) => d !== first.shape[k])) {
      throw new ShapeError(
        `defaultCollate: ${path} ${i} has shape ${fmtShape(v.shape)}, sample 0 has ${fmtShape(first.shape)}; ` +
          "samples of one batch must have the same shape",
      );
    }
    if (v.dtype !== first.dtype) throw new ShapeError(`defaultCollate: ${path} ${i} is ${v.dtype}, sample 0 is ${first.dtype}`);
  });
  return stack(items as readonly Tensor[], 0);
}

function numbersToTensor(items: readonly unknown[], path: string): Tensor {
  let integral = true;
  items.forEach((v, i) => {
    if (typeof v !== "number") throw mixed(path, i, "a number", v);
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) integral = false;
  });
  const out = integral ? new Int32Array(items.length) : new Float32Array(items.length);
  items.forEach((v, i) => (out[i] = v as number));
  return new Tensor(out, [items.length]);
}

function mixed(path: string, i: number, expected: string, got: unknown): ValueError {
  const kind = got instanceof Tensor ? "a Tensor" : Array.isArray(got) ? "an array" : got === null ? "null" : `a ${typeof got}`;
  return new ValueError(`defaultCollate: ${path} ${i} is ${kind}, sample 0 is ${expected}`);
}
