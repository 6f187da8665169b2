/** Statistics for comparing models. */
export * from "./estimators.js";
