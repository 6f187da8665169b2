/** Training: the fit loop, evaluation, metrics, callbacks, progress output. */
export * from "./fit.js";
export * from "./metrics.js";
export * from "./callbacks.js";
export * from "./history.js";
export { ProgressBar, formatDuration, type ProgressSink, type StepStats } from "./progress.js";
