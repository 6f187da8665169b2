/** Conformance handlers for the conv family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const convHandlers: HandlerTable = {};
