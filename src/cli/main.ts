#!/usr/bin/env node
/** The `myelin` command line: dispatches to one subcommand module each. */
import "./relaxed-simd.js"; // first: before any wasm kernel is compiled
import { conformanceCommand } from "./conformance.js";
import { trainCommand } from "./train.js";
import { evalCommand } from "./eval.js";
import { predictCommand } from "./predict.js";
import { benchCommand } from "./bench.js";

const commands: Record<string, { summary: string; run: (args: string[]) => Promise<number> }> = {
  train: { summary: "train a model (default: LeNet-5 on the bundled MNIST digits); --help for options", run: trainCommand },
  eval: { summary: "evaluate a checkpoint on its test set: myelin eval --checkpoint DIR", run: evalCommand },
  predict: { summary: "classify images: myelin predict --checkpoint DIR image.png|image.pgm …", run: predictCommand },
  conformance: { summary: "run reference cases: myelin conformance <dir> [--dtype float32|float64] [--conv-algorithm A]", run: conformanceCommand },
  bench: { summary: "time the convolution algorithms: myelin bench conv [--shape N,C,H,W,M,K,stride,pad] [--repeats R]", run: benchCommand },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: myelin <command> [options]\n\ncommands:\n${lines.join("\n")}`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    console.log(usage());
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`myelin: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? `myelin: ${err.message}` : err);
    process.exitCode = 1;
  },
);
