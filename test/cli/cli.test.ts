/**
 * The `myelin` command line, run as a child process (build/src/cli/main.js): help and unknown
 * commands, a short training run and its checkpoint files, bit-exact resume, eval, predict on
 * a PGM digit, and clear errors for bad flags and missing data. Small subsets keep it fast.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { noGrad, softmax, tensor } from "../../src/index.js";
import { decodeSafetensors } from "../../src/io/safetensors.js";
import { errorRateInterval } from "../../src/stats/estimators.js";
import { createModel } from "../../src/models/index.js";
import { normalize } from "../../src/data/transforms/normalize.js";
import { loadMnistDigits } from "../../src/data/node/index.js";
import type { RunConfig } from "../../src/cli/checkpoint.js";

/** This file is build/test/cli/cli.test.js; the repository root is three levels up. */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = join(ROOT, "build", "src", "cli", "main.js");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function myelin(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Fails with the child's output when it did not exit with `code`. */
function expectExit(r: Result, code: number): void {
  if (r.code !== code) assert.fail(`exit ${r.code}, expected ${code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
}

const SMALL = ["--train-size", "256", "--test-size", "128", "--batch-size", "64"];
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

let tmp = "";
let dirA = ""; // 2 epochs straight (with --validate)
let dirB = ""; // 1 epoch, later resumed to 2
let runA: Result;
let runB: Result;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), "myelin-cli-"));
  dirA = join(tmp, "a");
  dirB = join(tmp, "b");
  [runA, runB] = await Promise.all([
    myelin("train", "--epochs", "2", ...SMALL, "--validate", "--out", dirA),
    myelin("train", "--epochs", "1", ...SMALL, "--out", dirB),
  ]);
});

after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("myelin", () => {
  it("--help lists the commands", async () => {
    const r = await myelin("--help");
    expectExit(r, 0);
    assert.match(r.stdout, /^usage: myelin <command> \[options\]/);
    for (const cmd of ["train", "eval", "predict", "conformance"]) assert.match(r.stdout, new RegExp(`^  ${cmd} +\\S`, "m"));
  });

  it("no command prints the usage and fails", async () => {
    const r = await myelin();
    assert.equal(r.code, 1);
    assert.match(r.stdout, /usage: myelin <command>/);
  });

  it("an unknown command exits 2 with a message and the usage", async () => {
    const r = await myelin("frobnicate");
    expectExit(r, 2);
    assert.match(r.stderr, /^myelin: unknown command "frobnicate"/);
    assert.match(r.stderr, /commands:\n {2}train/);
  });

  it("train --help prints the options", async () => {
    const r = await myelin("train", "--help");
    expectExit(r, 0);
    for (const flag of ["--model", "--dataset", "--data-dir", "--epochs", "--batch-size", "--optimizer", "--lr", "--lr-decay", "--seed", "--train-size", "--test-size", "--out", "--resume"]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
  });
});

describe("myelin train", () => {
  it("trains, prints progress and a summary with a 95% CI, writes the checkpoint files", async () => {
    expectExit(runB, 0);
    const out = runB.stdout;
    assert.match(out, /^myelin train: lenet5 \([\d,]+ parameters\) on MNIST digits/);
    assert.match(out, /256 train \/ 128 test images, batch 64, sgd lr 0\.03 \(×0\.5 per epoch\), 1 epochs, seed 0/);
    // Piped output: at most 4 lines for the epoch (3 progress lines + the summary).
    const epochLines = out.split("\n").filter((l) => l.startsWith("epoch 1/1"));
    assert.ok(epochLines.length >= 1 && epochLines.length <= 4, epochLines.join("\n"));
    assert.match(epochLines[epochLines.length - 1], /^epoch 1\/1 {2}loss \d\.\d{4} {2}acc \d+\.\d\d% {2}\d+ img\/s {2}\d\d:\d\d$/);
    assert.doesNotMatch(out, /\r/);

    for (const f of ["model.safetensors", "training-state.safetensors", "history.csv", "history.json", "metrics.json"]) {
      assert.ok(existsSync(join(dirB, f)), `${f} written`);
    }
    const metrics = JSON.parse(await readFile(join(dirB, "metrics.json"), "utf8"));
    assert.equal(metrics.total, 128);
    assert.equal(metrics.testAccuracy, metrics.correct / 128);
    assert.deepEqual(metrics.testError, errorRateInterval(128 - metrics.correct, 128));
    assert.equal(metrics.confusion.length, 10);
    assert.equal(metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0), 128);
    assert.equal(metrics.perClassAccuracy.length, 10);

    // The summary's interval is the error interval turned into accuracy.
    const ci = metrics.testError;
    assert.ok(
      out.includes(`test accuracy ${pct(metrics.testAccuracy)} (95% CI ${pct(1 - ci.upper)} – ${pct(1 - ci.lower)}; error ${pct(ci.estimate)} ± ${pct(1.96 * ci.standardError)}) on 128 images`),
      out,
    );
    assert.match(out, /test loss \d+\.\d{4}; trained in \d\d:\d\d \(\d+ images\/s\)/);
    assert.ok(out.includes(`checkpoint, history and metrics written to ${dirB}`));

    const csv = (await readFile(join(dirB, "history.csv"), "utf8")).trimEnd().split("\n");
    assert.equal(csv[0], "epoch,train_loss,train_accuracy,val_loss,val_accuracy,lr,seconds,images_per_second");
    assert.equal(csv.length, 2);
    assert.match(csv[1], /^1,[\d.]+,[\d.]+,,,0\.03,/);
    const history = JSON.parse(await readFile(join(dirB, "history.json"), "utf8"));
    assert.equal(history.length, 1);
    assert.equal(history[0].epoch, 1);
    assert.equal(String(history[0].trainLoss), csv[1].split(",")[1]);

    const model = decodeSafetensors(new Uint8Array(await readFile(join(dirB, "model.safetensors"))));
    assert.deepEqual(Object.keys(model.tensors).sort(), [
      "classifier.1.bias", "classifier.1.weight", "classifier.3.bias", "classifier.3.weight",
      "features.0.bias", "features.0.weight", "features.3.bias", "features.3.weight",
    ]);
    assert.deepEqual(model.tensors["features.0.weight"].shape, [20, 1, 5, 5]);
    assert.equal(model.metadata.format, "pt");
    assert.equal(model.metadata.epoch, "1");
    const config = JSON.parse(model.metadata.myelin_config) as RunConfig;
    assert.equal(config.model, "lenet5");
    assert.equal(config.trainSize, 256);
    assert.equal(config.batchSize, 64);
    const state = decodeSafetensors(new Uint8Array(await readFile(join(dirB, "training-state.safetensors"))));
    assert.ok(state.metadata.myelin_state.length > 0);
    assert.ok(Object.keys(state.tensors).some((k) => k.endsWith(".momentum_buffer")), "SGD momentum buffers are saved");
  });

  it("--validate adds validation loss and accuracy to the history", async () => {
    expectExit(runA, 0);
    assert.match(runA.stdout, /^epoch 2\/2 {2}loss .* val_loss \d\.\d{4} {2}val_acc \d+\.\d\d%/m);
    const history = JSON.parse(await readFile(join(dirA, "history.json"), "utf8"));
    assert.deepEqual(history.map((r: { epoch: number }) => r.epoch), [1, 2]);
    assert.ok(history.every((r: { valLoss?: number }) => typeof r.valLoss === "number"));
  });

  it("resume is bit-exact: 1 epoch + --resume to 2 equals 2 epochs straight", async () => {
    expectExit(runA, 0);
    expectExit(runB, 0);
    // Only --resume, --epochs and --out: the rest of the settings come from the checkpoint.
    const r = await myelin("train", "--resume", dirB, "--epochs", "2", "--out", dirB);
    expectExit(r, 0);
    assert.match(r.stdout, new RegExp(`^resuming from ${dirB.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} after epoch 1`));
    assert.match(r.stdout, /256 train \/ 128 test images, batch 64/);
    assert.doesNotMatch(r.stdout, /epoch 1\/2/, "epoch 1 is not trained again");

    const [a, b] = await Promise.all([readFile(join(dirA, "model.safetensors")), readFile(join(dirB, "model.safetensors"))]);
    const wa = decodeSafetensors(new Uint8Array(a)).tensors;
    const wb = decodeSafetensors(new Uint8Array(b)).tensors;
    assert.deepEqual(Object.keys(wb).sort(), Object.keys(wa).sort());
    for (const k of Object.keys(wa)) {
      const da = wa[k].toTypedArray();
      const db = wb[k].toTypedArray();
      assert.ok(Buffer.from(da.buffer, da.byteOffset, da.byteLength).equals(Buffer.from(db.buffer, db.byteOffset, db.byteLength)), `${k} differs`);
    }
    assert.ok(a.equals(b), "the whole model files (weights, config, epoch) are identical");

    // The optimizer state continues identically too.
    const [sa, sb] = await Promise.all([readFile(join(dirA, "training-state.safetensors")), readFile(join(dirB, "training-state.safetensors"))]);
    const ta = decodeSafetensors(new Uint8Array(sa)).tensors;
    const tb = decodeSafetensors(new Uint8Array(sb)).tensors;
    for (const k of Object.keys(ta)) assert.deepEqual(Array.from(tb[k].toTypedArray()), Array.from(ta[k].toTypedArray()), k);

    const strip = (h: Record<string, number>[]) => h.map((e) => [e.epoch, e.trainLoss, e.trainAccuracy, e.lr]);
    const ha = JSON.parse(await readFile(join(dirA, "history.json"), "utf8"));
    const hb = JSON.parse(await readFile(join(dirB, "history.json"), "utf8"));
    assert.deepEqual(strip(hb), strip(ha));
    // The default schedule halves the learning rate after every epoch, across the resume too.
    assert.deepEqual(hb.map((e: { lr: number }) => e.lr), [0.03, 0.015]);
  });

  it("--resume refuses flags that would change the run", async () => {
    const r = await myelin("train", "--resume", dirB, "--epochs", "3", "--lr", "0.5");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot resume .* with lr 0\.5: the run was trained with lr 0\.03 \(omit the flag to keep it\)/);
    const missing = await myelin("train", "--resume", join(tmp, "nothing-here"));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no checkpoint at .*nothing-here.model\.safetensors/);
  });
});

describe("myelin eval and predict", () => {
  it("eval prints accuracy, the 95% CI, per-class accuracy and the confusion matrix", async () => {
    expectExit(runA, 0);
    const r = await myelin("eval", "--checkpoint", dirA);
    expectExit(r, 0);
    assert.match(r.stdout, /^lenet5 from .* \(test split, 2000 images; backend \w+( \(relaxed SIMD\))?, \d+ threads?\)$/m);
    const m = /^accuracy (\d+\.\d\d)% {2}test error (\d+\.\d\d)% ± (\d+\.\d\d)% \(95% CI (\d+\.\d\d)% – (\d+\.\d\d)%\) {2}loss \d+\.\d{4}$/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    const [acc, err, half, lo, hi] = m.slice(1).map(Number);
    assert.ok(Math.abs(acc + err - 100) < 0.011);
    assert.ok(Math.abs(lo - (err - half)) < 0.011 && Math.abs(hi - (err + half)) < 0.011);
    assert.match(r.stdout, /^top-5 error \d+\.\d\d%$/m);
    assert.match(r.stdout, /per-class accuracy:\n( {2}\d {12}\d+\.\d\d%\n){10}/);
    const table = r.stdout.split("confusion matrix (rows: true class, columns: predicted):\n")[1].trimEnd().split("\n");
    assert.equal(table.length, 11);
    assert.deepEqual(table[0].trim().split(/\s+/), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const counts = table.slice(1).map((row) => row.trim().split(/\s+/).slice(1).map(Number));
    assert.equal(counts.flat().reduce((a, b) => a + b, 0), 2000);
    const correct = counts.reduce((s, row, i) => s + row[i], 0);
    assert.equal(pct(correct / 2000), `${acc.toFixed(2)}%`);
  });

  it("predict prints the class probabilities of a PGM digit, as the model computes them", async () => {
    expectExit(runA, 0);
    const { test } = loadMnistDigits({ train: 8000, test: 2000, seed: 0 });
    const [image, label] = test.get(0);
    const bytes = Uint8Array.from(image.toTypedArray(), (v) => Math.round(v * 255));
    const file = join(tmp, `digit-${label}.pgm`);
    await writeFile(file, Buffer.concat([Buffer.from("P5\n# a test digit\n28 28\n255\n"), Buffer.from(bytes)]));

    const r = await myelin("predict", "--checkpoint", dirA, "--top", "10", file);
    expectExit(r, 0);
    const line = r.stdout.trimEnd();
    assert.ok(line.startsWith(`${file}: `), line);
    const ranked = line.slice(file.length + 2).split(", ").map((s) => {
      const [cls, p] = s.split(" ");
      return { cls, p: Number(p.replace("%", "")) };
    });
    assert.equal(ranked.length, 10);
    assert.deepEqual(ranked.map((x) => x.cls).sort(), ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    for (let i = 1; i < 10; i++) assert.ok(ranked[i].p <= ranked[i - 1].p, "sorted by probability");
    assert.ok(Math.abs(ranked.reduce((s, x) => s + x.p, 0) - 100) < 0.6, "probabilities sum to 100%");

    // The same numbers in-process: checkpoint weights, the run's normalization, softmax.
    const ckpt = decodeSafetensors(new Uint8Array(await readFile(join(dirA, "model.safetensors"))));
    const config = JSON.parse(ckpt.metadata.myelin_config) as RunConfig;
    const model = createModel(config.model, config).eval();
    model.loadStateDict(ckpt.tensors);
    const x = normalize(config.mean, config.std)(tensor(Float32Array.from(bytes, (v) => v / 255), { shape: [1, 1, 28, 28] }));
    const probs = noGrad(() => softmax(model.forward(x), 1)).toTypedArray();
    for (const { cls, p } of ranked) assert.ok(Math.abs(p - 100 * probs[Number(cls)]) <= 0.051, `class ${cls}: ${p}% vs ${100 * probs[Number(cls)]}`);

    const top3 = await myelin("predict", "--checkpoint", dirA, file);
    expectExit(top3, 0);
    assert.equal(top3.stdout.trimEnd().split(": ")[1].split(", ").length, 3, "3 classes by default");
  });

  it("predict and eval without what they need print their usage; bad images are named", async () => {
    const p = await myelin("predict", "--checkpoint", dirA);
    expectExit(p, 2);
    assert.match(p.stderr, /usage: myelin predict --checkpoint DIR/);
    const e = await myelin("eval");
    expectExit(e, 2);
    assert.match(e.stderr, /usage: myelin eval --checkpoint DIR/);
    const junk = join(tmp, "junk.pgm");
    await writeFile(junk, "hello");
    const j = await myelin("predict", "--checkpoint", dirA, junk);
    assert.equal(j.code, 1);
    assert.match(j.stderr, /junk\.pgm: not a PGM file/);
  });
});

describe("myelin train: bad flags", () => {
  const fails = async (args: string[], pattern: RegExp) => {
    const r = await myelin("train", ...args);
    assert.notEqual(r.code, 0, `exit code for ${args.join(" ")}`);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
  };

  it("non-numeric and out-of-range numbers", async () => {
    await fails(["--epochs", "x"], /^myelin: --epochs must be an integer ≥ 1, got x/);
    await fails(["--epochs", "0"], /--epochs must be an integer ≥ 1, got 0/);
    await fails(["--batch-size", "2.5"], /--batch-size must be an integer ≥ 1, got 2\.5/);
    await fails(["--lr", "-1"], /--lr must be a number ≥ 0, got -1/);
    await fails(["--threads", "0"], /--threads must be an integer ≥ 1, got 0/);
  });

  it("unknown choices, unknown options, missing values", async () => {
    await fails(["--optimizer", "foo"], /--optimizer must be one of sgd, adam, adamw, rmsprop, adagrad, got foo/);
    await fails(["--model", "resnet"], /--model must be one of lenet5, mlp, got resnet/);
    await fails(["--epoch", "2"], /unknown option --epoch\nusage: myelin train/);
    await fails(["--epochs"], /option --epochs needs a value/);
    await fails(["extra"], /unexpected argument "extra"/);
  });

  it("data sets that need files say what is missing and where they looked", async () => {
    await fails(["--dataset", "cifar10"], /--dataset cifar10 needs --data-dir DIR with data_batch_1\.bin … data_batch_5\.bin and test_batch\.bin/);
    await fails(["--dataset", "fashion-mnist", "--data-dir", "/nonexistent"], /directory \/nonexistent does not exist\. Looked in \/nonexistent for: /);
    await fails(["--dataset", "mnist", "--data-dir", "/tmp"], /--data-dir does not apply to --dataset mnist/);
  });
});
