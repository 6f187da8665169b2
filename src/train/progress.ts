/**
 * Training progress output. On a terminal: one live bar per epoch with loss, accuracy,
 * images/s and ETA, redrawn in place. Elsewhere (CI, files): plain lines at a few points per
 * epoch, so logs stay readable.
 */

/** Where progress goes: a writable text sink (process.stdout in Node, a DOM element adapter in a page). */
export interface ProgressSink {
  write(text: string): void;
  /** True on an interactive terminal: redraw in place. */
  readonly isTTY?: boolean;
  /** Terminal width, for the bar. */
  readonly columns?: number;
}

export interface StepStats {
  loss: number;
  accuracy: number;
  imagesPerSecond: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** Reports one epoch's progress, then its summary line. */
export class ProgressBar {
  private lastDraw = 0;
  private lastLine = -1;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly totalSteps: number,
  ) {}

  /** Called after each step with running averages. */
  update(step: number, stats: StepStats, elapsedSeconds: number): void {
    const known = this.totalSteps > 0; // a batch source need not know its length
    const eta = step > 0 ? (elapsedSeconds / step) * (this.totalSteps - step) : Infinity;
    const text = `loss ${stats.loss.toFixed(4)}  acc ${(100 * stats.accuracy).toFixed(2)}%  ${Math.round(stats.imagesPerSecond)} img/s` + (known ? `  ETA ${formatDuration(eta)}` : "");
    if (this.sink.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && step < this.totalSteps) return;
      this.lastDraw = now;
      if (!known) {
        this.sink.write(`\r\x1b[2K${this.label} step ${step}  ${text}`);
        return;
      }
      const width = Math.max(10, Math.min(30, (this.sink.columns ?? 80) - this.label.length - text.length - 16));
      const filled = Math.min(width, Math.round((width * step) / this.totalSteps));
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      this.sink.write(`\r\x1b[2K${this.label} ${bar} ${step}/${this.totalSteps}  ${text}`);
    } else {
      // Four lines per epoch at most: 25%, 50%, 75% (the summary follows at 100%).
      const quarter = Math.floor((4 * step) / Math.max(1, this.totalSteps));
      if (quarter > this.lastLine && quarter < 4) {
        this.lastLine = quarter;
        if (quarter > 0) this.sink.write(`${this.label} ${step}/${this.totalSteps}  ${text}\n`);
      }
    }
  }

  /** Ends the epoch with a summary line (replacing the bar on a terminal). */
  finish(summary: string): void {
    this.sink.write(this.sink.isTTY ? `\r\x1b[2K${summary}\n` : `${summary}\n`);
  }
}
