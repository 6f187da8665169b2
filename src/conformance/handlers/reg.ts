/** Conformance handlers for the reg family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const regularizationHandlers: HandlerTable = {};
