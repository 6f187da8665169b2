/** Conformance handlers for the norm family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const normalizationHandlers: HandlerTable = {};
