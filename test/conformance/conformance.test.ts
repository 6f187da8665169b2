/**
 * Runs every reference case in ../shared/conformance/cases (or $MYELIN_CONFORMANCE_DIR) as one
 * subtest, in float32 and in float64. A case whose op is not implemented is reported as skipped.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { findCaseFiles, loadCase } from "../../src/cli/conformance.js";
import { runCase } from "../../src/conformance/runner.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = process.env.MYELIN_CONFORMANCE_DIR ?? `${root}../shared/conformance/cases`;

if (!existsSync(dir)) {
  it("conformance cases", { skip: `no case directory at ${dir} (set MYELIN_CONFORMANCE_DIR)` }, () => {});
} else {
  const files = await findCaseFiles(dir);
  const cases = await Promise.all(files.map(loadCase));
  for (const dtype of ["float32", "float64"] as const) {
    describe(`conformance (${dtype})`, () => {
      for (const c of cases) {
        const result = runCase(c, { dtype });
        it(c.id, { skip: result.status === "skipped" ? result.message : false }, () => {
          assert.equal(result.status, "passed", result.message);
        });
      }
    });
  }
}
