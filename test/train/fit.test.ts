/**
 * The training loop end to end on a small synthetic problem (four Gaussian blobs in 2-D, an
 * MLP): the loss falls and the accuracy rises across epochs, `evaluate` agrees with a direct
 * computation, the NaN/Inf guard names epoch and step, the callbacks (EarlyStopping,
 * LRSchedulerStep, onBatchEnd), the progress output on plain and terminal sinks, the CSV
 * history, and bit-identical histories for the same seed.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Generator, manualSeed, noGrad, Tensor, ValueError } from "../../src/index.js";
import { MLP } from "../../src/models/index.js";
import { SGD, StepLR, ReduceLROnPlateau } from "../../src/optim/index.js";
import { crossEntropy } from "../../src/nn/functional/loss.js";
import { CrossEntropyLoss } from "../../src/nn/layers/loss.js";
import { DataLoader } from "../../src/data/dataloader.js";
import { ImageClassificationDataset } from "../../src/data/image-classification-dataset.js";
import {
  fit, evaluate, TrainingDivergedError, EarlyStopping, LRSchedulerStep, CheckpointEvery, historyToCsv,
  type BatchSource, type Callback, type EpochRecord, type FitOptions, type History, type ProgressSink,
} from "../../src/train/index.js";

const CENTERS = [[2, 2], [-2, 2], [-2, -2], [2, -2]];

/** n points per class around the four centers (σ = 0.8), as [2,1,1] "images", from its own stream. */
function blobs(n: number, seed: number): ImageClassificationDataset {
  const g = new Generator(seed);
  const images = new Float32Array(4 * n * 2);
  const labels = new Int32Array(4 * n);
  for (let i = 0; i < 4 * n; i++) {
    const c = i % 4;
    labels[i] = c;
    images[2 * i] = CENTERS[c][0] + 0.8 * g.normal();
    images[2 * i + 1] = CENTERS[c][1] + 0.8 * g.normal();
  }
  return new ImageClassificationDataset({ images, labels, imageShape: [2, 1, 1], classes: ["ne", "nw", "sw", "se"] });
}

const trainSet = blobs(64, 1); // 256 points → 8 batches of 32
const valSet = blobs(32, 2); // 128 points

interface Run {
  model: MLP;
  optimizer: SGD;
  options: FitOptions;
}

/** A fresh seeded model, optimizer and loaders; `overrides` replace fit options. */
function setup(overrides: Partial<FitOptions> = {}, lr = 0.1): Run {
  manualSeed(0);
  const model = new MLP(2, [16], 4);
  const optimizer = new SGD(model.parameters(), { lr, momentum: 0.9 });
  const train = new DataLoader(trainSet, { batchSize: 32, shuffle: true, generator: new Generator(5) });
  const validation = new DataLoader(valSet, { batchSize: 50 });
  return { model, optimizer, options: { train, validation, loss: crossEntropy, optimizer, epochs: 4, ...overrides } };
}

/** A sink recording what is written. */
function sink(isTTY: boolean): ProgressSink & { text: string } {
  return {
    text: "",
    isTTY,
    columns: 100,
    write(s: string) {
      this.text += s;
    },
  };
}

const withoutTiming = (h: History) => h.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest);

describe("fit", () => {
  it("the loss goes down and the accuracy up across epochs", async () => {
    const { model, options } = setup();
    const history = await fit(model, options);
    assert.equal(history.length, 4);
    assert.deepEqual(history.map((r) => r.epoch), [1, 2, 3, 4]);
    const first = history[0];
    const last = history[3];
    assert.ok(last.trainLoss < 0.5 * first.trainLoss, `train loss ${first.trainLoss} → ${last.trainLoss}`);
    assert.ok(last.trainAccuracy > first.trainAccuracy, `train accuracy ${first.trainAccuracy} → ${last.trainAccuracy}`);
    assert.ok(last.valLoss! < first.valLoss!, `val loss ${first.valLoss} → ${last.valLoss}`);
    assert.ok(last.valAccuracy! >= 0.9, `val accuracy ${last.valAccuracy}`);
    for (const r of history) {
      assert.equal(r.lr, 0.1);
      assert.ok(r.seconds > 0 && r.imagesPerSecond > 0);
      // Accuracy is a count over 256 samples.
      assert.ok(Number.isInteger(r.trainAccuracy * 256));
    }
    assert.equal(model.training, true, "fit leaves the model in training mode");
  });

  it("starts at initialEpoch and ends at epochs (resumed runs)", async () => {
    const { model, options } = setup({ initialEpoch: 3, epochs: 4, validation: undefined });
    const history = await fit(model, options);
    assert.deepEqual(history.map((r) => r.epoch), [3, 4]);
    assert.equal(history[0].valLoss, undefined);
    assert.equal(history[0].valAccuracy, undefined);
  });

  it("accepts a loss Module and any iterable of batches without a length", async () => {
    const { model, options } = setup({ epochs: 1, validation: undefined });
    const loader = options.train;
    const source: BatchSource = { [Symbol.iterator]: () => loader[Symbol.iterator]() };
    const out = sink(true);
    const calls: number[] = [];
    const loss = new CrossEntropyLoss();
    const forward = loss.forward.bind(loss);
    loss.forward = (o: Tensor, y: Tensor) => (calls.push(1), forward(o, y));
    const history = await fit(model, { ...options, train: source, loss, progress: out });
    assert.equal(calls.length, 8);
    assert.equal(history.length, 1);
    assert.match(out.text, /epoch 1\/1 step \d+ {2}loss/);
    assert.doesNotMatch(out.text, /NaN/);
  });

  it("beforeStep runs once per step, after backward and before the update", async () => {
    const { model, options } = setup({ epochs: 1, validation: undefined });
    const params = model.parameters();
    let calls = 0;
    await fit(model, {
      ...options,
      beforeStep: () => {
        calls++;
        assert.ok(params.every((p) => p.grad !== null), "gradients exist");
      },
    });
    assert.equal(calls, 8);
  });
});

describe("evaluate", () => {
  it("matches loss, accuracy and the confusion matrix computed directly", async () => {
    const { model, options } = setup({ epochs: 2 });
    await fit(model, options);
    const r = evaluate(model, options.validation!, crossEntropy);
    // Direct: one forward over all 128 points.
    const [x, y] = valSet.getBatch(Int32Array.from({ length: 128 }, (_, i) => i));
    const out = noGrad(() => model.eval().forward(x));
    model.train();
    const loss = crossEntropy(out, y).item();
    const pred = out.argmax(1).toTypedArray();
    const labels = y.toTypedArray();
    let correct = 0;
    const counts = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
    for (let i = 0; i < 128; i++) {
      if (pred[i] === labels[i]) correct++;
      counts[labels[i]][pred[i]]++;
    }
    assert.equal(r.total, 128);
    assert.equal(r.correct, correct);
    assert.equal(r.accuracy, correct / 128);
    assert.ok(Math.abs(r.loss - loss) < 1e-6, `${r.loss} vs ${loss}`);
    assert.deepEqual(r.confusion.counts, counts);
    assert.equal(r.confusion.correct, r.correct, "top-1 and the confusion matrix agree");
    assert.equal(r.top5Correct, undefined, "no top-5 with 4 classes");
  });

  it("restores the mode, builds no graph, and counts top-5 with ≥ 5 classes", () => {
    manualSeed(1);
    const model = new MLP(2, [8], 6).eval();
    const loader = new DataLoader(valSet, { batchSize: 40 });
    const r = evaluate(model, loader, crossEntropy);
    assert.equal(model.training, false);
    assert.equal(r.confusion.numClasses, 6);
    assert.ok(r.top5Correct !== undefined && r.top5Correct >= r.correct && r.top5Correct <= 128);
    model.train();
    evaluate(model, loader, (o, t) => {
      assert.equal(o.requiresGrad, false, "no graph under evaluate");
      return crossEntropy(o, t);
    });
    assert.equal(model.training, true);
  });

  it("an empty source gives NaN loss and accuracy, zero counts", () => {
    const r = evaluate(new MLP(2, [4], 3), [], crossEntropy);
    assert.ok(Number.isNaN(r.loss) && Number.isNaN(r.accuracy));
    assert.equal(r.total, 0);
  });
});

describe("divergence guard", () => {
  /** crossEntropy, except that global step `at` returns `value`. */
  const poisoned = (at: number, value: number) => {
    let step = 0;
    return (o: Tensor, y: Tensor) => (++step === at ? crossEntropy(o, y).mul(value) : crossEntropy(o, y));
  };

  it("a NaN loss throws TrainingDivergedError naming the epoch and step", async () => {
    // 8 steps per epoch: global step 11 is epoch 2, step 3.
    const { model, options } = setup({ loss: poisoned(11, NaN), validation: undefined });
    const seen: number[] = [];
    const callbacks: Callback[] = [{ onBatchEnd: (s) => seen.push(s) }];
    await assert.rejects(fit(model, { ...options, callbacks }), (e: Error) => {
      assert.ok(e instanceof TrainingDivergedError, String(e));
      assert.equal(e.name, "TrainingDivergedError");
      assert.match(e.message, /loss is NaN at epoch 2, step 3 \(global step 11\)/);
      assert.match(e.message, /lower learning rate/);
      return true;
    });
    assert.equal(seen.length, 10, "the bad step is not completed");
  });

  it("an infinite loss too, and the weights are not updated with it", async () => {
    const { model, options } = setup({ loss: poisoned(1, Infinity), validation: undefined });
    const before = model.parameters().map((p) => Array.from(p.toTypedArray()));
    await assert.rejects(fit(model, options), /loss is Infinity at epoch 1, step 1 \(global step 1\)/);
    assert.deepEqual(model.parameters().map((p) => Array.from(p.toTypedArray())), before);
  });
});

describe("callbacks", () => {
  const rec = (epoch: number, valLoss: number, valAccuracy = 0): EpochRecord => ({
    epoch, trainLoss: 1, trainAccuracy: 0, valLoss, valAccuracy, lr: 0.1, seconds: 1, imagesPerSecond: 1,
  });

  it("EarlyStopping stops after `patience` epochs without improvement (fake records)", () => {
    const es = new EarlyStopping("valLoss", 2);
    // 1.0 best; 0.9 better; 0.95 and 0.9 (not strictly better) → 2 bad epochs → stop at epoch 4.
    const out = [1.0, 0.9, 0.95, 0.9].map((v, i) => es.onEpochEnd(rec(i + 1, v)));
    assert.deepEqual(out, [undefined, undefined, undefined, "stop"]);
    assert.equal(es.stoppedEpoch, 4);
  });

  it("EarlyStopping: an improvement resets the count; minDelta and max mode", () => {
    const es = new EarlyStopping("valLoss", 2);
    assert.deepEqual([1, 1.1, 0.5, 0.6, 0.7].map((v, i) => es.onEpochEnd(rec(i + 1, v))), [undefined, undefined, undefined, undefined, "stop"]);
    // minDelta 0.1: 0.95 is not an improvement over 1.0.
    const delta = new EarlyStopping("valLoss", 1, 0.1);
    assert.deepEqual([1, 0.95].map((v, i) => delta.onEpochEnd(rec(i + 1, v))), [undefined, "stop"]);
    // Accuracy is maximized by default.
    const acc = new EarlyStopping("valAccuracy", 1);
    assert.equal(acc.mode, "max");
    assert.deepEqual([0.5, 0.6, 0.6].map((v, i) => acc.onEpochEnd(rec(i + 1, 0, v))), [undefined, undefined, "stop"]);
  });

  it("EarlyStopping without the monitored value is an error", () => {
    const es = new EarlyStopping("valLoss");
    const r = rec(1, 0);
    delete r.valLoss;
    assert.throws(() => es.onEpochEnd(r), (e: Error) => e instanceof ValueError && /"valLoss" is not recorded \(is there a validation set\?\)/.test(e.message));
  });

  it("EarlyStopping in fit with a frozen optimizer (lr 0) stops after 1 + patience epochs", async () => {
    const { model, options } = setup({ epochs: 10 }, 0);
    const es = new EarlyStopping("valLoss", 3);
    const ends: number[] = [];
    const history = await fit(model, { ...options, callbacks: [es, { onTrainEnd: (h) => void ends.push(h.length) }] });
    assert.equal(history.length, 4);
    assert.equal(es.stoppedEpoch, 4);
    assert.deepEqual(ends, [4], "onTrainEnd still runs, once, with the history");
    assert.ok(history.every((r) => r.valLoss === history[0].valLoss), "frozen weights, constant validation loss");
  });

  it("LRSchedulerStep steps a StepLR once per epoch", async () => {
    const { model, optimizer, options } = setup({ epochs: 4 });
    const sched = new StepLR(optimizer, 1, { gamma: 0.5 });
    const history = await fit(model, { ...options, callbacks: [new LRSchedulerStep(sched)] });
    // The record's lr is the one used during that epoch.
    assert.deepEqual(history.map((r) => r.lr), [0.1, 0.05, 0.025, 0.0125]);
    assert.equal(optimizer.paramGroups[0].lr, 0.00625);
    assert.equal(sched.lastEpoch, 4);
  });

  it("LRSchedulerStep passes the monitored value to ReduceLROnPlateau", async () => {
    // A zero loss leaves the weights (and so the validation loss) unchanged: a plateau.
    const { model, optimizer, options } = setup({ epochs: 3, loss: (o, y) => crossEntropy(o, y).mul(0) });
    const sched = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
    const metrics: (number | undefined)[] = [];
    const spy = { step: (m?: number) => (metrics.push(m), sched.step(m)) };
    const history = await fit(model, { ...options, callbacks: [new LRSchedulerStep(spy, "valLoss")] });
    assert.deepEqual(metrics, [0, 0, 0]);
    assert.deepEqual(metrics, history.map((r) => r.valLoss));
    // Epoch 1 sets the best; epochs 2 and 3 are bad (patience 0) and halve the lr.
    assert.deepEqual(history.map((r) => r.lr), [0.1, 0.1, 0.05]);
    assert.equal(optimizer.paramGroups[0].lr, 0.025);
  });

  it("onBatchEnd is called once per step with the global step and the loss; CheckpointEvery once per epoch", async () => {
    const { model, options } = setup({ epochs: 3 });
    const steps: number[] = [];
    const losses: number[] = [];
    const saved: number[] = [];
    const order: string[] = [];
    const callbacks: Callback[] = [
      { onTrainBegin: () => void order.push("begin"), onBatchEnd: (s, l) => (steps.push(s), losses.push(l)), onTrainEnd: () => void order.push("end") },
      new CheckpointEvery(async (r) => {
        await new Promise((res) => setTimeout(res, 1));
        saved.push(r.epoch);
      }),
    ];
    const history = await fit(model, { ...options, callbacks });
    assert.deepEqual(steps, Array.from({ length: 24 }, (_, i) => i + 1));
    assert.ok(losses.every((l) => Number.isFinite(l) && l > 0));
    // The epoch's train loss is the sample-weighted mean of its batch losses (all batches are 32).
    const mean = losses.slice(0, 8).reduce((a, b) => a + b, 0) / 8;
    assert.ok(Math.abs(history[0].trainLoss - mean) < 1e-12);
    assert.deepEqual(saved, [1, 2, 3]);
    assert.deepEqual(order, ["begin", "end"]);
  });
});

describe("progress output", () => {
  it("a plain sink gets at most 4 lines per epoch, the last a summary with loss, acc and img/s", async () => {
    const out = sink(false);
    const { model, options } = setup({ epochs: 2, progress: out });
    const history = await fit(model, options);
    assert.doesNotMatch(out.text, /\r|\x1b/);
    assert.ok(out.text.endsWith("\n"));
    const lines = out.text.trimEnd().split("\n");
    for (const epoch of [1, 2]) {
      const mine = lines.filter((l) => l.startsWith(`epoch ${epoch}/2`));
      assert.ok(mine.length >= 2 && mine.length <= 4, `epoch ${epoch}: ${mine.length} lines`);
      // 8 steps: progress at 2/8, 4/8, 6/8 (quarters), then the summary.
      assert.deepEqual(mine.slice(0, -1).map((l) => /^epoch \d\/2 (\d)\/8 {2}loss \d+\.\d{4} {2}acc \d+\.\d{2}% {2}\d+ img\/s {2}ETA \d\d:\d\d$/.exec(l)?.[1]), ["2", "4", "6"]);
      const summary = mine[mine.length - 1];
      const r = history[epoch - 1];
      assert.match(summary, /^epoch \d\/2 {2}loss \d+\.\d{4} {2}acc \d+\.\d{2}% {2}val_loss \d+\.\d{4} {2}val_acc \d+\.\d{2}% {2}\d+ img\/s {2}\d\d:\d\d$/);
      assert.ok(summary.includes(`loss ${r.trainLoss.toFixed(4)}  acc ${(100 * r.trainAccuracy).toFixed(2)}%`));
      assert.ok(summary.includes(`val_acc ${(100 * r.valAccuracy!).toFixed(2)}%`));
    }
    assert.equal(lines.length, lines.filter((l) => l.startsWith("epoch ")).length, "nothing else is written");
  });

  it("without validation the summary has no val_ fields", async () => {
    const out = sink(false);
    const { model, options } = setup({ epochs: 1, validation: undefined, progress: out });
    await fit(model, options);
    const summary = out.text.trimEnd().split("\n").pop()!;
    assert.match(summary, /^epoch 1\/1 {2}loss \d\.\d{4} {2}acc \d+\.\d\d% {2}\d+ img\/s {2}\d\d:\d\d$/);
  });

  it("a terminal sink redraws in place with \\r and ends each epoch with one summary line", async () => {
    const out = sink(true);
    const { model, options } = setup({ epochs: 2, progress: out });
    await fit(model, options);
    const writes = out.text.split("\r\x1b[2K").slice(1);
    assert.ok(out.text.startsWith("\r\x1b[2K"), "every write starts with a carriage return and line clear");
    assert.equal((out.text.match(/\n/g) ?? []).length, 2, "one newline per epoch");
    const summaries = writes.filter((w) => w.endsWith("\n"));
    assert.equal(summaries.length, 2);
    summaries.forEach((s, i) => assert.match(s, new RegExp(`^epoch ${i + 1}/2  loss .* img/s  \\d\\d:\\d\\d\\n$`)));
    const bars = writes.filter((w) => !w.endsWith("\n"));
    assert.ok(bars.length >= 2, "a bar per epoch at least (first step and last step)");
    for (const b of bars) assert.match(b, /^epoch \d\/2 [█░]{10,30} \d\/8 {2}loss \d\.\d{4} {2}acc .*ETA \d\d:\d\d$/);
    assert.ok(bars.some((b) => /█{10,30} 8\/8/.test(b)), "the last step draws a full bar");
  });
});

describe("history", () => {
  it("historyToCsv: snake_case header, one row per epoch, empty cells for absent fields", () => {
    const h: History = [
      { epoch: 1, trainLoss: 0.5, trainAccuracy: 0.75, valLoss: 0.25, valAccuracy: 0.875, lr: 0.1, seconds: 2, imagesPerSecond: 128 },
      { epoch: 2, trainLoss: 0.125, trainAccuracy: 1, lr: 0.05, seconds: 1.5, imagesPerSecond: 170.5 },
    ];
    assert.equal(
      historyToCsv(h),
      "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,images_per_second\n" +
        "1,0.5,0.75,0.25,0.875,0.1,2,128\n" +
        "2,0.125,1,,,0.05,1.5,170.5\n",
    );
    assert.equal(historyToCsv([]), "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,images_per_second\n");
  });

  it("numbers are written exactly (shortest round-trip form)", async () => {
    const { model, options } = setup({ epochs: 1 });
    const h = await fit(model, options);
    const row = historyToCsv(h).split("\n")[1].split(",").map(Number);
    assert.deepEqual(row, [h[0].epoch, h[0].trainLoss, h[0].trainAccuracy, h[0].valLoss, h[0].valAccuracy, h[0].lr, h[0].seconds, h[0].imagesPerSecond]);
  });

  it("the same seed gives a bit-identical history and weights", async () => {
    const a = setup({ epochs: 3 });
    const ha = await fit(a.model, a.options);
    const b = setup({ epochs: 3 });
    const hb = await fit(b.model, b.options);
    assert.deepEqual(withoutTiming(hb), withoutTiming(ha));
    const bytes = (m: MLP) => m.parameters().map((p) => {
      const d = p.toTypedArray();
      return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    });
    assert.deepEqual(bytes(b.model), bytes(a.model));
    // A different loader seed gives a different run.
    const c = setup({ epochs: 3 });
    const hc = await fit(c.model, { ...c.options, train: new DataLoader(trainSet, { batchSize: 32, shuffle: true, generator: new Generator(6) }) });
    assert.notDeepEqual(withoutTiming(hc), withoutTiming(ha));
  });
});
