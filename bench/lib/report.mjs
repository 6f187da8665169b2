/**
 * The report of a benchmark run, as pure functions of the runs' results (bench/report.test.mjs):
 * the table of medians (rows = measurements, columns = system·threads), the ratio columns
 * Myelin-wasm / peer at equal thread counts, and the issue's targets with pass/fail.
 *
 * A run is `{ system, short, threads, status: "ok" | "unavailable", reason?, meta, results, otherLoad? }`
 * (otherLoad: cores kept busy by other processes during the run), with
 * `results[id]` = `{ status: "ok", rate, reduced } | { status: "fails" | "skipped", reason } | { status: "n/a" }`.
 */

/** The system whose ratios the report gives. */
export const SUBJECT = "myelin-wasm";

/**
 * The targets of issue 6: Myelin-wasm's rate on `id` over the best of `peers` (at the same thread
 * count, or at one thread for single-threaded peers), or over the SIMD128 peak (× threads): the
 * mul+add peak, or `peak.fused` (relaxed fused multiply-add) when the subject ran with relaxed SIMD.
 */
export const TARGETS = [
  { text: "W1 training ≥ 0.6× PyTorch", id: "W1.train", peers: ["torch"], min: 0.6 },
  { text: "W1 training ≥ 5× the best TF.js backend that trains it", id: "W1.train", peers: ["tfjs-cpu", "tfjs-wasm"], singleThreadPeers: true, min: 5 },
  { text: "W1 inference ≥ 0.6× onnxruntime-node", id: "W1.infer", peers: ["onnxruntime"], min: 0.6 },
  { text: "SGEMM 1024 ≥ 70% of the SIMD128 peak", id: "W3.sgemm.1024", peak: true, min: 0.7 },
];

/** Other processes' average load (cores) above which a run's figures are flagged as unreliable. */
export const BUSY_LOAD = 0.25;

/** A rate or ratio with about 3 significant digits, never in exponent form. */
export function fmt(x) {
  return x >= 100 ? Math.round(x).toString() : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2);
}

const columnName = (run) => `${run.short}·${run.threads}`;
const find = (runs, system, threads) => runs.find((r) => r.system === system && r.threads === threads);
/** The rate of a successful result, else undefined. */
const rateOf = (run, id) => (run?.status === "ok" && run.results[id]?.status === "ok" ? run.results[id].rate : undefined);

/** Why a run has no rate for `id`. */
function whyMissing(run, id, label) {
  if (!run) return `${label}: not run`;
  if (run.status !== "ok") return `${columnName(run)}: unavailable: ${run.reason}`;
  const r = run.results[id];
  if (!r) return `${columnName(run)}: not measured`;
  return `${columnName(run)}: ${r.status}${r.reason ? `: ${r.reason}` : ""}`;
}

/**
 * `{ columns, ratioColumns, rows, notes, unavailable, busy }`: `rows[i].cells` are display strings
 * per value column (a number, "fails[k]"/"skip[k]" pointing at notes[k-1], "n/a", "" when not
 * measured; "*" marks a reduced protocol), `rows[i].ratios` the ratio strings per ratio column;
 * `busy` warns of runs during which other processes loaded the machine.
 */
export function buildTable(runs, measurements) {
  const notes = [];
  const noteRef = (text) => (notes.includes(text) ? notes.indexOf(text) : notes.push(text) - 1) + 1;
  const ok = runs.filter((r) => r.status === "ok");
  const ratioColumns = ok
    .filter((peer) => !peer.system.startsWith("myelin") && find(ok, SUBJECT, peer.threads))
    .map((peer) => ({ name: `wasm/${columnName(peer)}`, subject: find(ok, SUBJECT, peer.threads), peer }));
  const cell = (run, id) => {
    const r = run.results[id];
    if (!r) return "";
    if (r.status === "ok") return fmt(r.rate) + (r.reduced ? "*" : "");
    if (r.status === "n/a") return "n/a";
    return `${r.status === "fails" ? "fails" : "skip"}[${noteRef(`${columnName(run)}: ${r.status}: ${r.reason}`)}]`;
  };
  const rows = measurements.map((m) => ({
    id: m.id,
    label: `${m.label} ${m.unit}`,
    cells: ok.map((run) => cell(run, m.id)),
    ratios: ratioColumns.map(({ subject, peer }) => {
      const a = rateOf(subject, m.id), b = rateOf(peer, m.id);
      return a !== undefined && b !== undefined ? `${fmt(a / b)}×` : "-";
    }),
  }));
  return {
    columns: ok.map(columnName),
    ratioColumns: ratioColumns.map((c) => c.name),
    rows,
    notes,
    unavailable: runs.filter((r) => r.status !== "ok").map((r) => `${columnName(r)} (${r.system}): unavailable: ${r.reason}`),
    busy: ok.filter((r) => r.otherLoad > BUSY_LOAD).map((r) => `warning: other processes kept ${fmt(r.otherLoad)} cores busy during ${columnName(r)}: its figures are unreliable`),
  };
}

/**
 * Each target at each thread count: `{ text, threads, status: "PASS" | "FAIL" | "n/a", ratio?, detail }`.
 * Only the 1-thread evaluations are the issue's targets; the others are for information.
 */
export function evaluateTargets(runs, peak, threadCounts) {
  const out = [];
  for (const threads of threadCounts) {
    for (const t of TARGETS) {
      const subject = find(runs, SUBJECT, threads);
      const mine = rateOf(subject, t.id);
      const base = { text: t.text, threads };
      if (mine === undefined) {
        out.push({ ...base, status: "n/a", detail: whyMissing(subject, t.id, `wasm·${threads}`) });
        continue;
      }
      let ref, detail;
      if (t.peak) {
        if (!peak) {
          out.push({ ...base, status: "n/a", detail: "peak not measured" });
          continue;
        }
        // A GEMM built with fused multiply-adds is held to the fused peak.
        const fused = subject.meta?.relaxedSimd && peak.fused;
        const per = fused ? peak.fused.gflops : peak.gflops;
        ref = per * threads;
        detail = `${fmt(mine)} GFLOP/s = ${fmt((100 * mine) / ref)}% of ${threads > 1 ? `${threads} × ` : ""}${fmt(per)} GFLOP/s (${fused ? "fused multiply-add" : "mul+add"} peak)`;
      } else {
        const peerThreads = t.singleThreadPeers ? 1 : threads;
        const peers = t.peers.map((p) => ({ p, run: find(runs, p, peerThreads) }));
        const rated = peers.filter(({ run }) => rateOf(run, t.id) !== undefined);
        if (rated.length === 0) {
          out.push({ ...base, status: "n/a", detail: `no peer result: ${peers.map(({ p, run }) => whyMissing(run, t.id, `${p}·${peerThreads}`)).join("; ")}` });
          continue;
        }
        const best = rated.reduce((a, b) => (rateOf(b.run, t.id) > rateOf(a.run, t.id) ? b : a));
        ref = rateOf(best.run, t.id);
        detail = `wasm·${threads} ${fmt(mine)} / ${columnName(best.run)} ${fmt(ref)}`;
      }
      const ratio = mine / ref;
      out.push({ ...base, status: ratio >= t.min ? "PASS" : "FAIL", ratio, detail: t.peak ? detail : `${detail} = ${fmt(ratio)}×` });
    }
  }
  return out;
}

/** Lays out rows of strings: first column left-aligned, the others right-aligned, " | " before column `split`. */
export function layout(rows, split) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : `${c === split ? "| " : ""}${s.padStart(widths[c])}`)).join("  ").trimEnd());
}

/** The table, its notes and the targets as text. */
export function formatReport(table, targets) {
  const head = ["measurement (median, higher is better)", ...table.columns, ...table.ratioColumns];
  const lines = layout([head, ...table.rows.map((r) => [r.label, ...r.cells, ...r.ratios])], table.columns.length + 1);
  lines.splice(1, 0, "-".repeat(lines[0].length));
  const out = [...lines, ""];
  if (table.rows.some((r) => r.cells.some((c) => c.endsWith("*")))) out.push("* reduced protocol: one step overran the time budget, so fewer repetitions of one step (see the JSON)");
  table.notes.forEach((n, i) => out.push(`[${i + 1}] ${n}`));
  out.push(...table.unavailable, ...table.busy);
  if (targets.length) {
    out.push("", "targets (Myelin wasm backend; the 1-thread rows are the issue's targets, 2 threads for information):");
    for (const t of targets) out.push(`  ${t.status.padEnd(4)}  ${t.threads} thread${t.threads > 1 ? "s" : ""}  ${t.text}: ${t.detail}`);
  }
  return out.join("\n");
}
