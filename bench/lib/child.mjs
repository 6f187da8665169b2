/**
 * The side of a JavaScript system runner that talks to bench/run.mjs (bench/systems/pytorch.py
 * speaks the same protocol). The run's configuration comes in the BENCH_CONFIG environment
 * variable (JSON: system, threads, backend, protocol, measurements, data). On stdout the runner
 * prints JSON lines: first `{ type: "meta", status: "ok", meta }` (versions, thread settings) or
 * `{ type: "meta", status: "unavailable", reason }`, then one `{ type: "result", id, status, … }`
 * per measurement as it completes — so run.mjs keeps every finished result when it stops a
 * measurement that overruns its time limit, or when the process dies. Status: "ok" (with
 * `rate` = work per second), "fails" (threw; `reason`), "n/a" (kind not implemented). Every
 * record carries `cpuSeconds`, the process's CPU time so far. Progress goes to stderr.
 */
import { measure } from "./measure.mjs";
import { loadImages } from "./fashion-mnist.mjs";

/** The first line of an error's message. */
export const firstLine = (e) => String(e?.message ?? e).split("\n")[0];

/** Writes a record with this process's CPU time so far (all threads), from which run.mjs tells other load. */
function emit(record) {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ...record, cpuSeconds: (user + system) / 1e6 })}\n`);
}

/**
 * Runs a system. `load(config)` prepares it and returns a context with `meta`; it throws when the
 * system is unavailable. `kinds[kind](measurement, ctx, data)` builds one measurement's state and
 * returns its step function (sync or async); `data()` gives the W1/W2 images (fashion-mnist.mjs),
 * loaded once.
 */
export async function runChild({ load, kinds }) {
  const config = JSON.parse(process.env.BENCH_CONFIG ?? "null");
  if (!config) throw new Error("BENCH_CONFIG is not set: run the benchmark with `npm run bench`");
  let ctx;
  try {
    ctx = await load(config);
  } catch (e) {
    emit({ type: "meta", status: "unavailable", reason: firstLine(e) });
    return;
  }
  emit({ type: "meta", status: "ok", meta: ctx.meta });
  let images;
  const data = () => (images ??= loadImages(config.data.dir, config.data.count));
  for (const m of config.measurements) {
    const setup = kinds[m.kind];
    let result;
    if (!setup) result = { status: "n/a" };
    else {
      try {
        const r = await measure(await setup(m, ctx, data), config.protocol);
        result = { ...r, rate: m.work / r.stepSeconds };
      } catch (e) {
        result = { status: "fails", reason: firstLine(e) };
      }
    }
    emit({ type: "result", id: m.id, ...result });
    const shown = result.status === "ok" ? `${result.rate.toPrecision(4)} ${m.unit} (${result.reps}×${result.steps} steps)` : `${result.status}${result.reason ? `: ${result.reason}` : ""}`;
    process.stderr.write(`    ${m.id}: ${shown}\n`);
  }
}
