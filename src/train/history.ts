/** Per-epoch training records, and their CSV form. */

/** One epoch's results (validation fields absent without a validation set). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
}

export type History = EpochRecord[];

/** The history as CSV with a header row (snake_case columns, like Keras' CSVLogger). */
export function historyToCsv(history: History): string {
  const cols: (keyof EpochRecord)[] = ["epoch", "trainLoss", "trainAccuracy", "valLoss", "valAccuracy", "lr", "seconds", "imagesPerSecond"];
  const head = cols.map((c) => c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)).join(",");
  const rows = history.map((r) => cols.map((c) => (r[c] === undefined ? "" : String(r[c]))).join(","));
  return [head, ...rows].join("\n") + "\n";
}
