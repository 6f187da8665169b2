/** Conformance handlers for the optim family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const optimizerHandlers: HandlerTable = {};
