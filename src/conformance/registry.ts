/** All handler tables. Each op family lives in its own file under handlers/. */
import type { ForwardHandler, HandlerTable, OptimizerHandler } from "./handler.js";
import { activationHandlers } from "./handlers/act.js";
import { convHandlers } from "./handlers/conv.js";
import { poolingHandlers } from "./handlers/pool.js";
import { normalizationHandlers } from "./handlers/norm.js";
import { lossHandlers } from "./handlers/loss.js";
import { regularizationHandlers } from "./handlers/reg.js";
import { optimizerHandlers as optimizerTable } from "./handlers/optim.js";
import { modelHandlers } from "./handlers/model.js";

const tables: HandlerTable[] = [
  activationHandlers, convHandlers, poolingHandlers, normalizationHandlers, lossHandlers,
  regularizationHandlers, optimizerTable, modelHandlers,
];

export const forwardHandlers: Record<string, ForwardHandler> = Object.assign({}, ...tables.map((t) => t.forward ?? {}));
export const optimizerHandlers: Record<string, OptimizerHandler> = Object.assign({}, ...tables.map((t) => t.optimizers ?? {}));
