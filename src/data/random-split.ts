/**
 * randomSplit: cuts a dataset into non-overlapping random Subsets (train/validation splits),
 * with PyTorch's `random_split` semantics: `lengths` are sample counts summing to the dataset
 * length, or fractions summing to 1 (each rounded down, the remainder handed out one by one
 * from the first split). The permutation comes from `generator`, so a seed fixes the split.
 */
import { randperm } from "../tensor/create.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import { ValueError } from "../errors.js";
import type { Dataset } from "./dataset.js";
import { Subset } from "./subset.js";

/**
 * Splits `dataset` into `lengths.length` disjoint random subsets.
 *
 * @example
 * const [train, val] = randomSplit(full, [0.9, 0.1], new Generator(42));
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const n = dataset.length;
  const counts = splitCounts(lengths, n);
  const perm = randperm(n, { generator }).data as Int32Array;
  const out: Subset<T>[] = [];
  let at = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.subarray(at, at + c)));
    at += c;
  }
  return out;
}

/** Turns counts or fractions into counts that sum to n. */
function splitCounts(lengths: readonly number[], n: number): number[] {
  const list = `[${lengths.join(", ")}]`;
  if (lengths.length === 0) throw new ValueError("randomSplit: expected at least one length");
  if (lengths.some((v) => !Number.isFinite(v) || v < 0)) throw new ValueError(`randomSplit: lengths must be non-negative, got ${list}`);
  const total = lengths.reduce((s, v) => s + v, 0);
  // Same rule as PyTorch: entries summing to 1 (within rounding) are fractions.
  if (Math.abs(total - 1) <= 1e-9 && total <= 1 + 1e-9 && lengths.every((v) => v <= 1)) {
    const counts = lengths.map((f) => Math.floor(n * f));
    let remainder = n - counts.reduce((s, v) => s + v, 0);
    for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
    return counts;
  }
  if (lengths.some((v) => !Number.isInteger(v))) {
    throw new ValueError(`randomSplit: lengths ${list} are neither integer counts nor fractions summing to 1`);
  }
  if (total !== n) throw new ValueError(`randomSplit: lengths ${list} sum to ${total}, but the dataset has ${n} samples`);
  return [...lengths];
}
