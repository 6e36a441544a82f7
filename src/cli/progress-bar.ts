import type { Progress, ProgressFactory } from '../core/progress.js';
import { noProgress } from '../core/progress.js';

const REDRAW_MS = 100;

/** Progress bars on stderr, drawn only on a TTY and only for work that lasts over a second. */
export function terminalProgress(enabled: boolean): ProgressFactory {
  if (!enabled || !process.stderr.isTTY) return noProgress;
  return (label, unit) => new Bar(label, unit);
}

class Bar implements Progress {
  private total = 0;
  private doneCount = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly label: string, private readonly unit: string) {}

  addTotal(n: number): void {
    this.total += n;
  }

  tick(n = 1): void {
    this.doneCount += n;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.draw();
  }

  done(): void {
    if (this.drawn) {
      this.draw();
      process.stderr.write('\n');
    }
  }

  private draw(): void {
    const width = 30;
    const frac = this.total > 0 ? Math.min(1, this.doneCount / this.total) : 0;
    const filled = Math.round(frac * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const amount = this.unit === 'bytes' ? `${mib(this.doneCount)}/${mib(this.total)} MiB` : `${this.doneCount}/${this.total} ${this.unit}`;
    process.stderr.write(`\r${this.label} ${bar} ${Math.round(frac * 100)}% ${amount}`);
    this.drawn = true;
  }
}

function mib(n: number): string {
  return (n / 1048576).toFixed(1);
}
