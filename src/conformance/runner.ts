/**
 * The conformance runner: executes reference cases against Myelin and reports, per case,
 * passed / failed (with the first offending element) / skipped (with the reason). It takes
 * parsed case objects, so it runs in the browser too; reading a directory is the CLI's job.
 */
import { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/create.js";
import { shapesEqual } from "../tensor/shape.js";
import type { ConformanceCase, TensorJson, TensorMap } from "./case.js";
import { Unsupported, type OpCase } from "./handler.js";
import { forwardHandlers, optimizerHandlers } from "./registry.js";
import { fmtShape } from "../errors.js";
import type { ConvAlgorithmChoice } from "../nn/functional/conv/algorithm.js";

export type CaseStatus = "passed" | "failed" | "skipped";

export interface CaseResult {
  id: string;
  op: string;
  status: CaseStatus;
  /** Why it failed or was skipped. */
  message?: string;
}

export interface RunOptions {
  /** Floating dtype the case runs in (default float32, what users train with). */
  dtype?: "float32" | "float64";
  /**
   * Algorithm every convolution case runs under (default: the global setting, "auto"). Cases
   * the algorithm cannot compute are skipped, naming the reason.
   */
  convAlgorithm?: ConvAlgorithmChoice;
}

const DEFAULT_TOLERANCE = { rtol: 1e-4, atol: 1e-5 };

/** Makes a tensor from case JSON: int64 becomes int32, floating data the run's dtype. */
export function caseTensor(t: TensorJson, dtype: "float32" | "float64", requiresGrad = false): Tensor {
  const isInt = t.dtype !== undefined && t.dtype.startsWith("int");
  return tensor(t.data, { shape: t.shape, dtype: isInt ? "int32" : dtype, requiresGrad: requiresGrad && !isInt });
}

function tensors(map: TensorMap | undefined, dtype: "float32" | "float64", requiresGrad: boolean): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = caseTensor(v, dtype, requiresGrad);
  return out;
}

/** Compares got with want elementwise (|got − want| ≤ atol + rtol·|want|); returns a message or null. */
export function compare(what: string, got: Tensor | undefined, want: TensorJson, tol: { rtol: number; atol: number }): string | null {
  if (!got) return `${what}: missing (expected shape ${fmtShape(want.shape)})`;
  if (!shapesEqual(got.shape, want.shape)) return `${what}: shape ${fmtShape(got.shape)}, expected ${fmtShape(want.shape)}`;
  const g = got.toTypedArray();
  let bad = 0;
  let first = -1;
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i];
    const ok = Math.abs(g[i] - w) <= tol.atol + tol.rtol * Math.abs(w) || (Number.isNaN(w) && Number.isNaN(g[i]));
    if (!ok) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (!bad) return null;
  return `${what}: ${bad}/${want.data.length} elements differ; first at flat index ${first}: got ${g[first]}, expected ${want.data[first]}`;
}

function runForward(c: ConformanceCase, dtype: "float32" | "float64", convAlgorithm: ConvAlgorithmChoice | undefined): string | null {
  const handler = forwardHandlers[c.op] ?? (c.op.startsWith("seed/") ? forwardHandlers[c.op.slice(5)] : undefined);
  if (!handler) throw new Unsupported(`op "${c.op}" is not implemented`);
  const wantsGrad = c.upstream !== undefined && c.grads !== undefined;
  const opCase: OpCase = {
    convAlgorithm,
    id: c.id,
    attrs: c.attrs ?? {},
    inputs: tensors(c.inputs, dtype, wantsGrad),
    params: tensors(c.params, dtype, wantsGrad),
    state: tensors(c.state_before, dtype, false),
  };
  const tol = c.tolerance ?? DEFAULT_TOLERANCE;
  const out = handler(opCase);
  const errors: string[] = [];
  if (c.output) errors.push(compare("output", out, c.output, tol) ?? "");
  for (const [k, want] of Object.entries(c.state_after ?? {})) errors.push(compare(`state ${k}`, opCase.state[k], want, tol) ?? "");
  if (wantsGrad) {
    out.backward(caseTensor(c.upstream as TensorJson, out.dtype === "float64" ? "float64" : "float32"));
    for (const [k, want] of Object.entries(c.grads ?? {})) {
      const t = opCase.inputs[k] ?? opCase.params[k];
      // A parameter the output does not depend on has no grad: compare as zeros.
      const grad = t ? (t.grad ?? tensor(new Array<number>(t.size).fill(0), { shape: t.shape })) : undefined;
      errors.push(compare(`grad ${k}`, grad, want, tol) ?? "");
    }
  }
  const msg = errors.filter(Boolean).join("; ");
  return msg || null;
}

function runOptimizer(c: ConformanceCase, dtype: "float32" | "float64"): string | null {
  const handler = optimizerHandlers[c.op];
  if (!handler) throw new Unsupported(`optimizer "${c.op}" is not implemented`);
  const params = tensors(c.params, dtype, true);
  const opt = handler(c.attrs ?? {}, params);
  const tol = c.tolerance ?? { rtol: 1e-5, atol: 1e-6 };
  const errors: string[] = [];
  (c.grads_sequence ?? []).forEach((grads, step) => {
    opt.step(tensors(grads, dtype, false));
    for (const [k, want] of Object.entries(c.params_history?.[step] ?? {})) {
      errors.push(compare(`step ${step + 1} param ${k}`, params[k], want, tol) ?? "");
    }
  });
  for (const [k, want] of Object.entries(c.params_after ?? {})) errors.push(compare(`param ${k} after`, params[k], want, tol) ?? "");
  const msg = errors.filter(Boolean).join("; ");
  return msg || null;
}

/** Runs one case. Never throws: errors become a failed result. */
export function runCase(c: ConformanceCase, options: RunOptions = {}): CaseResult {
  const dtype = options.dtype ?? "float32";
  const base = { id: String(c.id), op: String(c.op) };
  if (typeof c.id !== "string" || typeof c.op !== "string") {
    return { ...base, status: "failed", message: "not a conformance case (no string id/op)" };
  }
  const checks = c.output ?? c.grads ?? c.state_after ?? c.params_after ?? c.params_history;
  if (!checks) return { ...base, status: "skipped", message: "nothing to check (no output, grads, state_after or params_after)" };
  try {
    const msg = c.op.startsWith("optim/") ? runOptimizer(c, dtype) : runForward(c, dtype, options.convAlgorithm);
    return msg ? { ...base, status: "failed", message: msg } : { ...base, status: "passed" };
  } catch (e) {
    if (e instanceof Unsupported) return { ...base, status: "skipped", message: e.message };
    return { ...base, status: "failed", message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** Counts of a run. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

export function summarize(results: readonly CaseResult[]): Summary {
  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  return { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
}
