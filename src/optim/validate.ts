/**
 * Range checks for hyper-parameters, shared by optimizers and schedulers so every message has
 * one form: `Adam: invalid eps -1 in parameter group 1: must be ≥ 0`.
 */
import { ValueError } from "../errors.js";

/** Where a value came from, for messages: "" for constructor options, " in parameter group 2". */
export type Where = string;

function fail(owner: string, key: string, value: unknown, where: Where, rule: string): never {
  const shown = Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
  throw new ValueError(`${owner}: invalid ${key} ${shown}${where}: ${rule}`);
}

/** Checks `value` is a number ≥ `min` (NaN fails). */
export function checkAtLeast(owner: string, key: string, value: number | undefined, min: number, where: Where = ""): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !(value >= min)) fail(owner, key, value, where, `must be a number ≥ ${min}`);
}

/** Checks `value` is a number in [lo, hi) — or [lo, hi] when `closedHigh`. */
export function checkInRange(
  owner: string, key: string, value: number | undefined, lo: number, hi: number, where: Where = "", closedHigh = false,
): void {
  if (value === undefined) return;
  const ok = typeof value === "number" && value >= lo && (closedHigh ? value <= hi : value < hi);
  if (!ok) fail(owner, key, value, where, `must be in [${lo}, ${hi}${closedHigh ? "]" : ")"}`);
}

/** Checks `value` is an integer ≥ `min`. */
export function checkInteger(owner: string, key: string, value: number, min: number, where: Where = ""): void {
  if (!Number.isInteger(value) || value < min) fail(owner, key, value, where, `must be an integer ≥ ${min}`);
}

/** Throws a ValueError with the common prefix (for rules that involve several values). */
export function invalid(owner: string, message: string, where: Where = ""): never {
  throw new ValueError(`${owner}: ${message}${where}`);
}

/** Rejects keys of an options object that are not `known` (a snake_case key gets a camelCase hint). */
export function checkOptionKeys(owner: string, options: object, known: readonly string[], where: Where = ""): void {
  for (const k of Object.keys(options)) {
    if (known.includes(k)) continue;
    const camel = camelName(k);
    const hint = camel !== k && known.includes(camel) ? ` (did you mean "${camel}"?)` : "";
    throw new ValueError(`${owner}: unknown option "${k}"${where}${hint}; options are ${known.join(", ")}`);
  }
}

/** snake_case key → camelCase name (`exp_avg_sq` → `expAvgSq`); the inverse of nn's `stateKey`. */
export function camelName(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
