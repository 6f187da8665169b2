/**
 * Printing in PyTorch's style: `tensor([[1., 2.], [3., 4.]])` with aligned columns, elided
 * middles for large tensors (shape shown then), and dtype/requiresGrad when not the default.
 */
import type { Tensor } from "./tensor.js";

const THRESHOLD = 1000;
const EDGE = 3;
const PRECISION = 4;

interface Formatter {
  (v: number): string;
  width: number;
}

function makeFormatter(values: number[], integral: boolean): Formatter {
  const finite = values.filter(Number.isFinite);
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const nonzero = finite.filter((v) => v !== 0).map(Math.abs);
  const absMin = nonzero.length ? Math.min(...nonzero) : 0;
  const allInts = finite.every((v) => Number.isInteger(v));
  const special = (v: number) => (Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf");
  let fmt: (v: number) => string;
  if (integral) fmt = (v) => String(v);
  else if (allInts && absMax < 1e8) fmt = (v) => (Number.isFinite(v) ? `${v}.` : special(v));
  else if (absMax >= 1e8 || (absMin > 0 && (absMin < 1e-4 || absMax / absMin > 1000))) {
    fmt = (v) => (Number.isFinite(v) ? v.toExponential(PRECISION).replace(/e([+-])(\d)$/, "e$10$2") : special(v));
  } else fmt = (v) => (Number.isFinite(v) ? v.toFixed(PRECISION) : special(v));
  const width = values.reduce((w, v) => Math.max(w, fmt(v).length), 1);
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
  const integral = t.dtype === "int32" || t.dtype === "bool";
  const f = makeFormatter(shown, integral);
  const show = t.dtype === "bool" ? (v: number) => (v ? "True" : "False").padStart(5) : f;
  const indent = "tensor(".length;
  const render = (v: unknown, depth: number): string => {
    if (!Array.isArray(v)) return show(Number(v));
    const elide = summarize && v.length > 2 * EDGE;
    const items = elide ? [...v.slice(0, EDGE), "...", ...v.slice(-EDGE)] : v;
    const parts = items.map((x) => (x === "..." ? "..." : render(x, depth + 1)));
    const isInner = v.length === 0 || !Array.isArray(v[0]);
    if (isInner) return `[${parts.join(", ")}]`;
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
  return `tensor(${[body, ...extras].join(", ")})`;
}
