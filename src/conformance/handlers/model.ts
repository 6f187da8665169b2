/** Conformance handlers for the model family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const modelHandlers: HandlerTable = {};
