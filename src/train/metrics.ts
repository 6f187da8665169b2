/**
 * Classification metrics: accuracy, top-k error (the course's top-1/top-5), the confusion
 * matrix and per-class accuracy. They read values only (no graph).
 */
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError, ValueError, fmtShape } from "../errors.js";
import { checkIndices } from "../ops/indexing.js";

function checkPair(op: string, logits: Tensor, labels: Tensor): void {
  if (logits.ndim !== 2 || labels.ndim !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new ShapeError(`${op}: expected logits [N, C] and labels [N], got ${fmtShape(logits.shape)} and ${fmtShape(labels.shape)}`);
  }
  checkIndices(op, labels, logits.shape[1], "label");
}

/** Number of rows whose true label is among the k highest scores (ties: lower class index first). */
export function topKCorrect(logits: Tensor, labels: Tensor, k = 1): number {
  checkPair("topKCorrect", logits, labels);
  const [n, c] = logits.shape;
  if (!Number.isInteger(k) || k < 1 || k > c) throw new ValueError(`topKCorrect: k must be in 1..${c}, got ${k}`);
  const s = logits.contiguous().toTypedArray();
  const y = labels.contiguous().toTypedArray();
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    const label = y[i];
    const target = s[row + label];
    // Rank of the true class in a stable descending sort: classes scoring higher, plus equal
    // scores at lower indices. Ties thus go to the first class, as argmax breaks them, so top-1
    // agrees with `predictions` and constant logits do not count as correct.
    let ahead = 0;
    for (let j = 0; j < c && ahead < k; j++) {
      const v = s[row + j];
      if (v > target || (v === target && j < label)) ahead++;
    }
    if (ahead < k) correct++;
  }
  return correct;
}

/** Fraction of rows whose highest score is the label. */
export function accuracy(logits: Tensor, labels: Tensor): number {
  return topKCorrect(logits, labels, 1) / logits.shape[0];
}

/** 1 − top-k accuracy (ImageNet's top-1 / top-5 error). */
export function topKError(logits: Tensor, labels: Tensor, k: number): number {
  return 1 - topKCorrect(logits, labels, k) / logits.shape[0];
}

/** The predicted class of each row (argmax, first on ties). */
export function predictions(logits: Tensor): Int32Array {
  return logits.argmax(1).toTypedArray() as Int32Array;
}

/** counts[true][predicted] over a set of predictions. */
export class ConfusionMatrix {
  readonly counts: number[][];

  constructor(readonly numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 0) throw new ValueError(`ConfusionMatrix: numClasses must be a non-negative integer, got ${numClasses}`);
    this.counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  /** Adds a batch of predictions (class indices) against labels; a bad batch adds nothing. */
  update(predicted: ArrayLike<number>, labels: ArrayLike<number>): this {
    if (predicted.length !== labels.length) throw new ShapeError(`ConfusionMatrix.update: ${predicted.length} predictions vs ${labels.length} labels`);
    for (let i = 0; i < labels.length; i++) {
      const bad = !this.isClass(labels[i]) ? `label ${labels[i]}` : !this.isClass(predicted[i]) ? `prediction ${predicted[i]}` : null;
      if (bad) throw new ValueError(`ConfusionMatrix.update: ${bad} at position ${i} is not a class index in 0..${this.numClasses - 1}`);
    }
    for (let i = 0; i < labels.length; i++) this.counts[labels[i]][predicted[i]]++;
    return this;
  }

  private isClass(v: number): boolean {
    return Number.isInteger(v) && v >= 0 && v < this.numClasses;
  }

  get total(): number {
    return this.counts.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  }

  get correct(): number {
    return this.counts.reduce((s, row, i) => s + row[i], 0);
  }

  accuracy(): number {
    return this.total ? this.correct / this.total : 0;
  }

  /** Recall of each class: correct / examples of that class (NaN for an absent class). */
  perClassAccuracy(): number[] {
    return this.counts.map((row, i) => {
      const n = row.reduce((a, b) => a + b, 0);
      return n ? row[i] / n : NaN;
    });
  }

  /** A fixed-width text table, rows = true class, columns = predicted. */
  toString(classNames?: readonly string[]): string {
    const names = classNames ?? this.counts.map((_, i) => String(i));
    if (names.length !== this.numClasses) throw new ValueError(`ConfusionMatrix.toString: ${names.length} class names for ${this.numClasses} classes`);
    const w = Math.max(1, ...names.map((s) => s.length), ...this.counts.flat().map((v) => String(v).length)) + 1;
    const head = " ".repeat(w) + names.map((s) => s.slice(0, w - 1).padStart(w)).join("");
    const rows = this.counts.map((row, i) => names[i].slice(0, w - 1).padStart(w) + row.map((v) => String(v).padStart(w)).join(""));
    return [head, ...rows].join("\n");
  }
}
