/** Conformance handlers for the pool family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const poolingHandlers: HandlerTable = {};
