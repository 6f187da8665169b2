/**
 * Classification metrics against hand-counted values: accuracy, top-k correct/error (ties go to
 * the lower class index, as argmax breaks them), the confusion matrix, and bad input.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tensor, ShapeError, ValueError, DTypeError } from "../../src/index.js";
import { accuracy, topKCorrect, topKError, predictions, ConfusionMatrix } from "../../src/train/metrics.js";

const labels = (v: number[]) => tensor(v, { dtype: "int32" });

// 4 rows × 6 classes. Ranks of the label (0 = best) are worked out by hand in the comments.
const logits = tensor([
  [0.1, 0.9, 0.3, 0.2, 0.0, 0.5], // label 1: highest → rank 0
  [0.7, 0.1, 0.6, 0.5, 0.4, 0.3], // label 4: 0.7, 0.6, 0.5 above → rank 3
  [0.2, 0.3, 0.4, 0.5, 0.6, 0.9], // label 0: five above → rank 5
  [0.5, 0.5, 0.5, 0.1, 0.5, 0.0], // label 2: tie with 0 and 1 (lower indices) → rank 2
]);
const y = labels([1, 4, 0, 2]);

describe("accuracy and top-k", () => {
  it("top-1 and top-5 counts and errors on a hand-built logits matrix", () => {
    // Correct in top k when rank < k: ranks 0, 3, 5, 2.
    assert.equal(topKCorrect(logits, y, 1), 1);
    assert.equal(topKCorrect(logits, y, 2), 1);
    assert.equal(topKCorrect(logits, y, 3), 2);
    assert.equal(topKCorrect(logits, y, 4), 3);
    assert.equal(topKCorrect(logits, y, 5), 3);
    assert.equal(topKCorrect(logits, y, 6), 4);
    assert.equal(accuracy(logits, y), 1 / 4);
    assert.equal(topKError(logits, y, 1), 3 / 4);
    assert.equal(topKError(logits, y, 5), 1 / 4);
  });

  it("ties go to the lower class index, as argmax: top-1 agrees with predictions", () => {
    const tied = tensor([[1, 1, 0], [0, 2, 2], [3, 3, 3]]);
    assert.deepEqual(Array.from(predictions(tied)), [0, 1, 0]);
    assert.equal(accuracy(tied, labels([0, 1, 0])), 1);
    assert.equal(accuracy(tied, labels([1, 2, 2])), 0);
    // Label 2 of the constant row ranks third: inside the top 3, outside the top 2.
    assert.equal(topKCorrect(tied.slice(0, 2, 3), labels([2]), 2), 0);
    assert.equal(topKCorrect(tied.slice(0, 2, 3), labels([2]), 3), 1);
  });

  it("a model with constant logits is not 100% accurate", () => {
    const constant = tensor([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    assert.equal(accuracy(constant, labels([0, 1, 2, 3])), 1 / 4);
  });

  it("works on non-contiguous logits", () => {
    const t = logits.transpose(0, 1).contiguous().transpose(0, 1); // same values, strided
    assert.equal(t.isContiguous(), false);
    assert.equal(topKCorrect(t, y, 4), 3);
  });

  it("rejects bad shapes, label dtypes, labels out of range and bad k", () => {
    assert.throws(() => accuracy(tensor([1, 2, 3]), labels([0])), (e: Error) => e instanceof ShapeError && /topKCorrect: expected logits \[N, C\] and labels \[N\], got \[3\] and \[1\]/.test(e.message));
    assert.throws(() => accuracy(logits, labels([0, 1])), (e: Error) => e instanceof ShapeError && /got \[4,\s?6\] and \[2\]/.test(e.message));
    assert.throws(() => accuracy(logits, tensor([0, 1, 2, 3])), DTypeError);
    assert.throws(() => accuracy(logits, labels([0, 1, 6, 3])), (e: Error) => e instanceof ValueError && /label 6 is out of range for size 6/.test(e.message));
    assert.throws(() => accuracy(logits, labels([0, -1, 2, 3])), /label -1/);
    assert.throws(() => topKCorrect(logits, y, 7), /k must be in 1\.\.6, got 7/);
    assert.throws(() => topKCorrect(logits, y, 0), /k must be in 1\.\.6, got 0/);
    assert.throws(() => topKError(logits, y, 1.5), /got 1.5/);
  });
});

describe("ConfusionMatrix", () => {
  // true:      0 0 0 1 1 2 2 2 2
  // predicted: 0 1 0 1 1 2 0 2 1
  const truth = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const pred = [0, 1, 0, 1, 1, 2, 0, 2, 1];
  const cm = () => new ConfusionMatrix(3).update(pred, truth);

  it("counts[true][predicted], totals, accuracy and per-class accuracy", () => {
    const m = cm();
    assert.deepEqual(m.counts, [
      [2, 1, 0],
      [0, 2, 0],
      [1, 1, 2],
    ]);
    assert.equal(m.total, 9);
    assert.equal(m.correct, 6);
    assert.equal(m.accuracy(), 6 / 9);
    assert.deepEqual(m.perClassAccuracy(), [2 / 3, 1, 2 / 4]);
  });

  it("accumulates over batches; an absent class has NaN recall; empty matrix accuracy 0", () => {
    const m = new ConfusionMatrix(3).update([0, 1], [0, 0]).update(Int32Array.from([1]), Int32Array.from([1]));
    assert.deepEqual(m.counts, [[1, 1, 0], [0, 1, 0], [0, 0, 0]]);
    const pc = m.perClassAccuracy();
    assert.deepEqual(pc.slice(0, 2), [0.5, 1]);
    assert.ok(Number.isNaN(pc[2]));
    assert.equal(new ConfusionMatrix(3).accuracy(), 0);
  });

  it("toString: a right-aligned table, rows true, columns predicted, names optional", () => {
    // Width = longest of names and counts + 1 = 2.
    assert.equal(cm().toString(), ["   0 1 2", " 0 2 1 0", " 1 0 2 0", " 2 1 1 2"].join("\n"));
    // Names longer than the counts widen every column to 4 + 1 = 5.
    assert.equal(
      cm().toString(["cat", "dog", "bird"]),
      ["       cat  dog bird", "  cat    2    1    0", "  dog    0    2    0", " bird    1    1    2"].join("\n"),
    );
  });

  it("rejects mismatched lengths, classes out of range, non-integers and wrong name counts", () => {
    const m = new ConfusionMatrix(3);
    assert.throws(() => m.update([0, 1], [0]), (e: Error) => e instanceof ShapeError && /2 predictions vs 1 labels/.test(e.message));
    assert.throws(() => m.update([0], [3]), (e: Error) => e instanceof ValueError && /label 3 at position 0 is not a class index in 0\.\.2/.test(e.message));
    assert.throws(() => m.update([0, -1], [0, 0]), /prediction -1 at position 1/);
    assert.throws(() => m.update([0.5], [0]), /prediction 0.5/);
    assert.deepEqual(m.counts, [[0, 0, 0], [0, 0, 0], [0, 0, 0]], "a rejected batch adds nothing");
    assert.throws(() => new ConfusionMatrix(-1), /numClasses must be a non-negative integer, got -1/);
    assert.throws(() => cm().toString(["a", "b"]), /2 class names for 3 classes/);
  });
});
