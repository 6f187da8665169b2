#!/usr/bin/env node
/**
 * Marks the compiled `myelin` command executable. tsc writes new files without the execute bit,
 * and npm only sets it on the bins of installed dependencies, so on a fresh clone `npx myelin`
 * (which runs this package's own bin) would fail with "Permission denied" without this step.
 */
import { chmodSync } from "node:fs";

chmodSync(new URL("../build/src/cli/main.js", import.meta.url), 0o755);
