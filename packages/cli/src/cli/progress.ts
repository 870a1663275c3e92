// Progress display: a cli-progress bar (ETA, tokens/s) on a terminal, plain lines otherwise (CI, pipes, tests),
// always on stderr so stdout stays clean for results.
import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  /** Units done so far (steps, items, tokens). */
  done: number;
  /** Free text shown after the bar, e.g. `loss 4.21 · 1,024 tok/s`. */
  info?: string;
}

export interface Progress {
  update(u: ProgressUpdate): void;
  /** A message line that does not disturb the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Force plain lines (default: plain unless stderr is a TTY and CI is unset). */
  plain?: boolean;
  /** Plain mode: print at most one line per this many ms (default 2,000); the last update always prints. */
  everyMs?: number;
  /** Silent: print nothing. */
  quiet?: boolean;
}

/** True when progress should be drawn as a bar. */
export function fancyProgress(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.GLYPHLM_PLAIN_PROGRESS !== '1';
}

/** A progress display for `total` units labelled `label`. */
export function createProgress(label: string, total: number, opts: ProgressOptions = {}): Progress {
  if (opts.quiet) return { update() {}, log() {}, stop() {} };
  const plain = opts.plain ?? !fancyProgress();
  if (!plain) {
    const bar = new cliProgress.SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {info}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { info: '' });
    return {
      update: (u) => bar.update(u.done, { info: u.info ?? '' }),
      log: (line) => { process.stderr.write(`\r\x1b[K${line}\n`); },
      stop: () => bar.stop(),
    };
  }
  const everyMs = opts.everyMs ?? 2000;
  const t0 = Date.now();
  let last = 0, lastDone = -1;
  const line = (u: ProgressUpdate): string => {
    const el = (Date.now() - t0) / 1000;
    const eta = u.done > 0 && u.done < total ? ` eta ${Math.round((el / u.done) * (total - u.done))}s` : '';
    return `${label} ${u.done}/${total}${eta}${u.info ? ` ${u.info}` : ''}`;
  };
  return {
    update(u) {
      const now = Date.now();
      if (u.done >= total || now - last >= everyMs) {
        if (u.done === lastDone) return;
        last = now; lastDone = u.done;
        process.stderr.write(line(u) + '\n');
      }
    },
    log: (l) => { process.stderr.write(l + '\n'); },
    stop() {},
  };
}
