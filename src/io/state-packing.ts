/**
 * Splits a nested state object (an optimizer's stateDict, a run's bookkeeping) into tensors and
 * JSON, so both fit one safetensors file: tensors are stored under their dotted path, and the
 * JSON keeps a {"$tensor": path} marker in their place. `unpackState` reverses it exactly.
 */
import { Tensor } from "../tensor/tensor.js";
import { ValueError } from "../errors.js";

/** A packed state: its tensors by path, and the JSON skeleton that refers to them. */
export type Packed = { tensors: Record<string, Tensor>; json: string };

/** Splits `state` into tensors and a JSON skeleton (Infinity, NaN and -0 survive). */
export function packState(state: unknown): Packed {
  const tensors: Record<string, Tensor> = {};
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Tensor) {
      // Keys containing dots can produce the same path twice ({"a.b": t, a: {b: u}}): keep both.
      let key = path;
      for (let k = 1; Object.hasOwn(tensors, key); k++) key = `${path}#${k}`;
      tensors[key] = v;
      return { $tensor: key };
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    }
    // JSON has no Infinity/NaN and writes -0 as 0; keep them as tagged strings.
    if (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0))) return { $number: Object.is(v, -0) ? "-0" : String(v) };
    return v;
  };
  const skeleton = walk(state, "");
  return { tensors, json: JSON.stringify(skeleton) };
}

/** Rebuilds the state `packState` split; throws when a referenced tensor is missing. */
export function unpackState(packed: Packed): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.$tensor === "string") {
        const t = packed.tensors[o.$tensor];
        if (!t) throw new ValueError(`unpackState: tensor "${o.$tensor}" is missing`);
        return t;
      }
      if (typeof o.$number === "string") return Number(o.$number);
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(JSON.parse(packed.json));
}
