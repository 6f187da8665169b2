/** Conformance handlers for the loss family (filled in as the ops land). */
import type { HandlerTable } from "../handler.js";

export const lossHandlers: HandlerTable = {};
