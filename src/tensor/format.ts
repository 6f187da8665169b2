/**
 * Printing in PyTorch's style: `tensor([[1., 2.], [3., 4.]])` with aligned columns, rows
 * wrapped at 80 columns, elided middles for large tensors (shape shown then), and
 * dtype/requiresGrad when not the default.
 */
import type { Tensor } from "./tensor.js";

const THRESHOLD = 1000;
const EDGE = 3;
const PRECISION = 4;
const LINE_WIDTH = 80;

interface Formatter {
  (v: number): string;
  width: number;
}

/** PyTorch's `_Formatter`: one number style and one column width for the whole (shown) tensor. */
function makeFormatter(values: number[], kind: "float" | "int" | "bool"): Formatter {
  const finite = values.filter(Number.isFinite);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMax = nonzero.reduce((m, v) => Math.max(m, v), 0);
  const absMin = nonzero.reduce((m, v) => Math.min(m, v), Infinity);
  const allInts = finite.every((v) => Number.isInteger(v));
  // Scientific when magnitudes span more than 10³ or exceed 10⁸, or when fractions go below 10⁻⁴.
  const sci = nonzero.length > 0 && (absMax / absMin > 1000 || absMax > 1e8 || (!allInts && absMin < 1e-4));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  let fmt: (v: number) => string;
  if (kind === "bool") fmt = (v) => (v ? "True" : "False");
  else if (kind === "int") fmt = (v) => String(v);
  else if (sci) fmt = (v) => (Number.isFinite(v) ? v.toExponential(PRECISION).replace(/e([+-])(\d)$/, "e$10$2") : special(v));
  else if (allInts) fmt = (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  else fmt = (v) => (Number.isFinite(v) ? v.toFixed(PRECISION) : special(v));
  // Like PyTorch, nan/inf do not widen the columns of a floating tensor.
  const width = (kind === "float" ? finite : values).reduce((w, v) => Math.max(w, fmt(v).length), 1);
  const f = ((v: number) => fmt(v).padStart(width)) as Formatter;
  f.width = width;
  return f;
}

/** Formats a tensor like PyTorch's repr. */
export function formatTensor(t: Tensor): string {
  const nested = t.toArray();
  const summarize = t.size > THRESHOLD;
  const shown: number[] = [];
  const collect = (v: unknown, depth: number): void => {
    if (!Array.isArray(v)) {
      shown.push(Number(v));
      return;
    }
    const items = summarize && v.length > 2 * EDGE ? [...v.slice(0, EDGE), ...v.slice(-EDGE)] : v;
    for (const x of items) collect(x, depth + 1);
  };
  collect(nested, 0);
  const f = makeFormatter(shown, t.dtype === "bool" ? "bool" : t.dtype === "int32" ? "int" : "float");
  const indent = "tensor(".length;
  const render = (v: unknown, depth: number): string => {
    if (!Array.isArray(v)) return f(Number(v));
    const elide = summarize && v.length > 2 * EDGE;
    const isInner = v.length === 0 || !Array.isArray(v[0]);
    if (isInner) {
      // A row holds as many elements as fit in LINE_WIDTH columns, then wraps (PyTorch's layout).
      const cells = elide ? [...v.slice(0, EDGE).map(f), " ...", ...v.slice(-EDGE).map(f)] : v.map(f);
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent - depth) / (f.width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(", "));
      return `[${lines.join(",\n" + " ".repeat(indent + depth + 1))}]`;
    }
    const items = elide ? [...v.slice(0, EDGE), "...", ...v.slice(-EDGE)] : v;
    const parts = items.map((x) => (x === "..." ? "..." : render(x, depth + 1)));
    const sep = ",\n".padEnd(2 + (t.ndim - depth - 2), "\n") + " ".repeat(indent + depth + 1);
    return `[${parts.join(sep)}]`;
  };
  let body = render(nested, 0);
  if (t.size === 0) body = "[]";
  const extras: string[] = [];
  if (summarize || t.size === 0) extras.push(`shape=[${t.shape.join(", ")}]`);
  // float32 and int32 are the defaults (like float32/int64 in PyTorch); bool shows as True/False.
  if (t.dtype === "float64") extras.push("dtype=float64");
  if (t.gradFn) extras.push(`gradFn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) extras.push("requiresGrad=true");
  // Suffixes that would overflow the last line go on a line of their own, as in PyTorch.
  let out = `tensor(${body}`;
  let lastLine = out.length - out.lastIndexOf("\n") + 1;
  for (const e of extras) {
    if (lastLine + e.length + 2 > LINE_WIDTH) {
      out += `,\n${" ".repeat(indent)}${e}`;
      lastLine = indent + e.length;
    } else {
      out += `, ${e}`;
      lastLine += e.length + 2;
    }
  }
  return `${out})`;
}
