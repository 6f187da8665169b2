/**
 * The timing protocol every system follows (bench/systems/pytorch.py implements the same one):
 * `warmup` untimed steps, then `reps` repetitions of S steps each, S chosen from the warm-up so
 * that a repetition lasts about `targetRepSec`; the result is the median seconds per step.
 * bench/run.mjs also stops a measurement that gives no result within `killSec` (see child.mjs).
 */

/** Protocol settings: full run, quick smoke run, and the reduced counts for very slow systems. */
export const PROTOCOLS = {
  full: { warmup: 3, reps: 5, targetRepSec: 0.5, budgetSec: 15, killSec: 90 },
  quick: { warmup: 2, reps: 2, targetRepSec: 0.2, budgetSec: 4, killSec: 12 },
  /** Overrides for slow systems (Myelin's reference backend, TF.js cpu): one warm-up step, fewer reps. */
  slow: { full: { warmup: 1, reps: 3 }, quick: { warmup: 1, reps: 2 } },
};

/** The protocol of a run: `quick` or full, reduced for a slow system. */
export function protocolFor(quick, slow) {
  const mode = quick ? "quick" : "full";
  return { ...PROTOCOLS[mode], ...(slow ? PROTOCOLS.slow[mode] : {}) };
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Seconds one (possibly async) call of `step` takes. */
async function timeOnce(step) {
  const t0 = performance.now();
  await step();
  return (performance.now() - t0) / 1e3;
}

/**
 * Times `step` by the protocol. Returns `{ status: "ok", stepSeconds, steps, reps, repSeconds,
 * warmupSeconds, reduced }` (stepSeconds = median rep time / steps). When the first step shows that
 * the full protocol would overrun `budgetSec`, it is reduced: the first step is the only warm-up,
 * followed by as many one-step repetitions as the budget allows, at least one (`reduced: true`).
 */
export async function measure(step, { warmup, reps, targetRepSec, budgetSec }) {
  const warmupSeconds = [await timeOnce(step)];
  const first = warmupSeconds[0];
  const reduced = first * (warmup + reps) > budgetSec;
  if (reduced) reps = Math.max(1, Math.min(reps, Math.floor((budgetSec - first) / first)));
  else while (warmupSeconds.length < warmup) warmupSeconds.push(await timeOnce(step));
  const t = warmupSeconds[warmupSeconds.length - 1];
  const steps = Math.max(1, Math.min(Math.round(targetRepSec / t), Math.floor(budgetSec / (reps * t))));
  const repSeconds = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) await step();
    repSeconds.push((performance.now() - t0) / 1e3);
  }
  return { status: "ok", stepSeconds: median(repSeconds) / steps, steps, reps, repSeconds, warmupSeconds, reduced };
}
