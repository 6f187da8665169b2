/** A small flag parser for the CLI: `--name value`, `--name=value`, `--flag`, positionals. */
import { ValueError } from "../errors.js";

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], booleanFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (eq >= 0) flags.set(name, a.slice(eq + 1));
    else if (booleanFlags.includes(name)) flags.set(name, true);
    else {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--")) throw new ValueError(`option --${name} needs a value`);
      flags.set(name, v);
      i++;
    }
  }
  return { positional, flags };
}

/** A string flag, checked against `choices` when given. */
export function stringFlag<T extends string>(args: ParsedArgs, name: string, fallback: T, choices?: readonly T[]): T {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  if (v === true || (choices && !choices.includes(v as T))) {
    throw new ValueError(`--${name} must be one of ${choices?.join(", ") ?? "a value"}, got ${String(v)}`);
  }
  return v as T;
}

/** A numeric flag (integer when `integer`, at least `min`), validated. */
export function numberFlag(args: ParsedArgs, name: string, fallback: number, integer = false, min = -Infinity): number {
  const v = args.flags.get(name);
  if (v === undefined) return fallback;
  const n = v === true || v.trim() === "" ? NaN : Number(v);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new ValueError(`--${name} must be ${integer ? "an integer" : "a number"}${min > -Infinity ? ` ≥ ${min}` : ""}, got ${String(v)}`);
  }
  return n;
}

/** Rejects flags not in `known`: a mistyped option must not be silently ignored. */
export function checkFlags(args: ParsedArgs, known: readonly string[], usage: string): void {
  for (const name of args.flags.keys()) {
    if (!known.includes(name)) throw new ValueError(`unknown option --${name}\n${usage}`);
  }
}
