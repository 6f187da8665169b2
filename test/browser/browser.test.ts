/**
 * The core runs unchanged in a browser: headless Chromium loads build/src/index.js as plain ES
 * modules from a local static server and trains a few steps of LeNet-5 on the wasm backend.
 * Under cross-origin isolation (COOP same-origin + COEP require-corp, the /isolated/ prefix) the
 * thread pool runs 2 threads on Web Workers; without it (/plain/) it warns once and runs on 1.
 * Either way the losses and a conv2d forward match the same computation run here in Node.
 *
 * Needs Chromium (`apt-get install chromium`; CHROMIUM_PATH overrides /usr/bin/chromium); the
 * test is skipped where it is missing.
 */
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import * as myelin from "../../src/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Without the background-networking flags Chromium's own connections fail on a closed network. */
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
/** The repository root (this file runs as build/test/browser/browser.test.js). */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ISOLATION_HEADERS = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
const MIME: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".json": "application/json", ".map": "application/json" };
const SHARED_MEMORY_WARNING = "WebAssembly shared memory is unavailable";

type Myelin = typeof myelin;
interface Workload {
  losses: number[];
  convSum: number;
}

/**
 * The computation compared between Node and the browser. It is sent to the page as source text
 * (`workload.toString()`), so it may use nothing but its argument and the language's globals.
 */
function workload(m: Myelin): Workload {
  m.manualSeed(7);
  const model = new m.models.LeNet5();
  const opt = new m.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = m.randn([8, 1, 28, 28]);
  const y = m.tensor(Array.from({ length: 8 }, (_, i) => i % 10), { dtype: "int32" });
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = m.nn.F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  const convSum = m.nn.F.conv2d(m.randn([2, 3, 16, 16]), m.randn([4, 3, 3, 3]), null, { padding: 1 }).sum().item();
  return { losses, convSum };
}

/** What the page reports in `window.__result`. */
interface PageResult extends Workload {
  backend: string;
  threads: number;
  crossOriginIsolated: boolean;
  relaxedSimd: boolean;
}

/** The test page: imports the built library relative to its own prefix and runs `workload`. */
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>myelin in the browser</title>
<link rel="icon" href="data:,">
<script type="module">
const workload = ${workload.toString()};
try {
  const m = await import("./build/src/index.js");
  const backend = m.getBackend();
  await m.setNumThreads(2);
  window.__result = { backend, threads: m.getNumThreads(), crossOriginIsolated, relaxedSimd: m.relaxedSimdEnabled(), ...workload(m) };
} catch (e) {
  window.__result = { error: String(e && e.stack || e) };
}
</script>
`;

/**
 * Serves the repository root on 127.0.0.1 under /isolated/ (with the cross-origin isolation
 * headers) and /plain/ (without), and the test page at /isolated/ and /plain/.
 */
async function startServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const match = /^\/(isolated|plain)\/(.*)$/.exec(path);
    const headers = match?.[1] === "isolated" ? ISOLATION_HEADERS : {};
    if (match?.[2] === "") {
      res.writeHead(200, { ...headers, "Content-Type": "text/html" }).end(PAGE);
      return;
    }
    const file = resolve(ROOT, match?.[2] ?? "");
    try {
      if (!match || !file.startsWith(ROOT)) throw new Error("outside the served tree");
      const body = await readFile(file);
      res.writeHead(200, { ...headers, "Content-Type": MIME[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end(`not found: ${path}`);
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** What a page did: its result, console lines ("type: text"), uncaught errors and Web Workers. */
interface PageRun {
  result: PageResult;
  console: string[];
  errors: string[];
  workers: number;
}

/** Opens `url`, waits for the page's result and reports the page's console as diagnostics of `t`. */
async function runPage(t: TestContext, browser: Browser, url: string): Promise<PageRun> {
  const page = await browser.newPage();
  const messages: string[] = [];
  const errors: string[] = [];
  page.on("console", (msg) => messages.push(`${msg.type()}: ${msg.text()}`));
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(url);
    type Window = { __result?: PageResult | { error: string } };
    await page.waitForFunction(() => (globalThis as Window).__result !== undefined, null, { timeout: 15_000 });
    const result = await page.evaluate(() => (globalThis as Window).__result!);
    for (const line of messages) t.diagnostic(line);
    if ("error" in result) assert.fail(`the page failed: ${result.error}`);
    t.diagnostic(`losses ${result.losses.join(", ")}; conv2d sum ${result.convSum}`);
    return { result, console: messages, errors, workers: page.workers().length };
  } finally {
    await page.close();
  }
}

/** Checks what every page must do: run without errors on the wasm backend and match Node's results. */
function assertRanLikeNode({ result: actual, console, errors }: PageRun, expected: Workload): void {
  assert.deepEqual(errors, [], "uncaught page errors");
  assert.deepEqual(console.filter((line) => line.startsWith("error")), [], "console errors");
  assert.equal(actual.backend, "wasm");
  assert.equal(actual.relaxedSimd, true, "Chromium has relaxed SIMD, so the fused multiply-add GEMM runs (in every worker too)");
  const close = (a: number, b: number) => Number.isFinite(a) && Math.abs(a - b) <= 1e-5 * Math.abs(b);
  assert.equal(actual.losses.length, expected.losses.length);
  assert.ok(actual.losses.every((l, i) => close(l, expected.losses[i])), `losses ${actual.losses} differ from Node's ${expected.losses}`);
  assert.ok(close(actual.convSum, expected.convSum), `conv2d sum ${actual.convSum} differs from Node's ${expected.convSum}`);
}

const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} not found: apt-get install chromium to run the browser test`;

test("the core runs in headless Chromium on the wasm backend", { skip, timeout: 60_000 }, async (t) => {
  const expected = workload(myelin);
  assert.ok(expected.losses.every(Number.isFinite), `Node losses ${expected.losses}`);
  t.diagnostic(`Node, ${myelin.getNumThreads()} thread(s): losses ${expected.losses.join(", ")}; conv2d sum ${expected.convSum}`);
  const { server, origin } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    await t.test("cross-origin isolated: 2 threads on Web Workers, the same losses as Node", async (t) => {
      const run = await runPage(t, browser, `${origin}/isolated/`);
      assertRanLikeNode(run, expected);
      assert.equal(run.result.crossOriginIsolated, true);
      assert.equal(run.result.threads, 2);
      assert.ok(run.workers > 0, "a Web Worker runs beside the page");
      assert.deepEqual(run.console.filter((line) => line.includes(SHARED_MEMORY_WARNING)), []);
    });
    await t.test("not isolated: one shared-memory warning, 1 thread, the same losses", async (t) => {
      const run = await runPage(t, browser, `${origin}/plain/`);
      assertRanLikeNode(run, expected);
      assert.equal(run.result.crossOriginIsolated, false);
      assert.equal(run.result.threads, 1);
      assert.equal(run.workers, 0);
      const warnings = run.console.filter((line) => line.includes(SHARED_MEMORY_WARNING));
      assert.equal(warnings.length, 1, `expected one shared-memory warning, got:\n${run.console.join("\n")}`);
      assert.ok(warnings[0].startsWith("warning:"), warnings[0]);
    });
  } finally {
    await browser.close();
    server.close();
  }
});
