/**
 * `myelin bench conv`: times the four convolution algorithms on the course's layer shapes (and
 * any given with --shape), forward and forward+backward, median of --repeats runs after one
 * warm-up. Prints per algorithm: time, GFLOP/s (2·MACs of the definition / time, so all
 * algorithms are compared on the same useful work), its multiplication count, "n/a" where the
 * algorithm does not apply, which one "auto" picks and whether auto is within 10% of the best.
 */
import { randn } from "../tensor/create.js";
import { Generator } from "../tensor/random.js";
import { applyThreadsFlag } from "./threads.js";
import { conv2d } from "../nn/functional/conv.js";
import {
  CONV_ALGORITHMS, autoConvAlgorithm, convAlgorithmIssue, convMultiplications, type ConvAlgorithm, type ConvProblem,
} from "../nn/functional/conv/algorithm.js";
import { parseArgs, numberFlag, checkFlags } from "./args.js";
import { ValueError } from "../errors.js";

const usage = "usage: myelin bench conv [--shape N,C,H,W,M,K,stride,pad[,groups]] … [--repeats R] [--only-given] [--threads N]";

/** A 2-D convolution layer to time: square input and kernel. */
interface BenchShape {
  name: string;
  N: number; C: number; H: number; W: number; M: number; K: number; stride: number; pad: number; groups: number;
}

/** The course's shapes (COURSE.md and issue 4). */
const COURSE_SHAPES: readonly BenchShape[] = [
  { name: "course: 3x32x32, ten 5x5 filters, pad 2", N: 1, C: 3, H: 32, W: 32, M: 10, K: 5, stride: 1, pad: 2, groups: 1 },
  { name: "VGG 3x3 64→64 at 56x56", N: 1, C: 64, H: 56, W: 56, M: 64, K: 3, stride: 1, pad: 1, groups: 1 },
  { name: "MobileNet depthwise 3x3 at 112x112x32", N: 1, C: 32, H: 112, W: 112, M: 32, K: 3, stride: 1, pad: 1, groups: 32 },
  { name: "MobileNet pointwise 32→64 at 112x112", N: 1, C: 32, H: 112, W: 112, M: 64, K: 1, stride: 1, pad: 0, groups: 1 },
];

function parseShape(s: string): BenchShape {
  const v = s.split(",").map(Number);
  if ((v.length !== 8 && v.length !== 9) || v.some((e) => !Number.isInteger(e) || e < 0)) {
    throw new ValueError(`--shape must be N,C,H,W,M,K,stride,pad[,groups] (non-negative integers), got ${s}\n${usage}`);
  }
  const [N, C, H, W, M, K, stride, pad, groups = 1] = v;
  return { name: `given: ${s}`, N, C, H, W, M, K, stride, pad, groups };
}

function problem(s: BenchShape): ConvProblem {
  const out = (n: number) => Math.floor((n + 2 * s.pad - s.K) / s.stride) + 1;
  return {
    N: s.N, C: s.C, M: s.M, inSpatial: [s.H, s.W],
    geom: { kernel: [s.K, s.K], stride: [s.stride, s.stride], padding: [s.pad, s.pad], dilation: [1, 1], outSize: [out(s.H), out(s.W)], groups: s.groups },
  };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median ms of forward and of forward+backward over `repeats` runs (after one warm-up). */
function time(s: BenchShape, algorithm: ConvAlgorithm, repeats: number): { fwd: number; fwdBwd: number } {
  const g = new Generator(0);
  const x = randn([s.N, s.C, s.H, s.W], { generator: g, requiresGrad: true });
  const w = randn([s.M, s.C / s.groups, s.K, s.K], { generator: g, requiresGrad: true });
  const opts = { stride: s.stride, padding: s.pad, groups: s.groups, algorithm };
  const fwd: number[] = [];
  const both: number[] = [];
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    const y = conv2d(x, w, null, opts);
    const t1 = performance.now();
    y.sum().backward();
    const t2 = performance.now();
    x.grad = null;
    w.grad = null;
    if (r > 0) {
      fwd.push(t1 - t0);
      both.push(t2 - t0);
    }
  }
  return { fwd: median(fwd), fwdBwd: median(both) };
}

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");

/** Benchmarks one shape; returns the printed markdown lines. */
export function benchConvShape(s: BenchShape, repeats: number): string[] {
  const p = problem(s);
  const macs = convMultiplications("direct", p) as number;
  const auto = autoConvAlgorithm(p);
  const lines = [
    `### ${s.name}`,
    `x [${s.N},${s.C},${s.H},${s.W}], w [${s.M},${s.C / s.groups},${s.K},${s.K}], stride ${s.stride}, pad ${s.pad}, groups ${s.groups}: ${fmtInt(macs)} MACs (definition)`,
    "",
    "| algorithm | forward ms | GFLOP/s | fwd+bwd ms | multiplications | vs direct |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  const times = new Map<ConvAlgorithm, number>();
  for (const a of CONV_ALGORITHMS) {
    const issue = convAlgorithmIssue(a, p.geom);
    const mark = a === auto ? " (auto)" : "";
    if (issue) {
      lines.push(`| ${a}${mark} | n/a | n/a | n/a | n/a | ${issue} |`);
      continue;
    }
    const t = time(s, a, repeats);
    times.set(a, t.fwd);
    const mults = convMultiplications(a, p) as number;
    lines.push(`| ${a}${mark} | ${t.fwd.toFixed(2)} | ${((2 * macs) / (t.fwd * 1e6)).toFixed(2)} | ${t.fwdBwd.toFixed(2)} | ${fmtInt(mults)} | ${(mults / macs).toFixed(2)}× |`);
  }
  const [best, bestMs] = [...times].reduce((a, b) => (b[1] < a[1] ? b : a));
  const autoMs = times.get(auto) as number;
  const ok = autoMs <= 1.1 * bestMs;
  lines.push("", `auto picks **${auto}** (${autoMs.toFixed(2)} ms); best is ${best} (${bestMs.toFixed(2)} ms): ${ok ? "within" : "NOT within"} 10%`, "");
  return lines;
}

export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ["only-given"]);
  const what = args.positional[0];
  if (what !== "conv") {
    console.error(usage);
    return 2;
  }
  // parseArgs keeps only the last --shape: collect every occurrence from argv.
  checkFlags(args, ["shape", "repeats", "only-given", "threads"], usage);
  const given = argv.flatMap((a, i) => (a === "--shape" ? [argv[i + 1]] : a.startsWith("--shape=") ? [a.slice(8)] : [])).map(parseShape);
  const repeats = numberFlag(args, "repeats", 3, true, 1);
  const shapes = args.flags.has("only-given") ? given : [...COURSE_SHAPES, ...given];
  console.log(`## myelin bench conv — ${await applyThreadsFlag(args)}, median of ${repeats} (after 1 warm-up)\n`);
  for (const s of shapes) {
    for (const line of benchConvShape(s, repeats)) console.log(line);
  }
  return 0;
}
