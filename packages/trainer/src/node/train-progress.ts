/// <reference types="node" />
// Node adapter: training feedback. progressPrinter() renders onProgress events as a live line on a TTY (cli-progress:
// step, loss, tok/s, MFU, ETA; each evaluation also printed as a line that stays) and as one plain line per
// evaluation otherwise (logs, CI); metricsLog() appends one JSON line per step to a file (append only).
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import cliProgress from 'cli-progress';
import type { ProgressEvent } from '../train/types.js';

export interface ProgressPrinterOptions {
  /** Where to print (default process.stderr). A TTY gets the live line. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Override the TTY detection (e.g. false to force plain lines). */
  tty?: boolean;
  /** Peak FLOP/s of one worker (e.g. a measured matMul ceiling): MFU = tok/s x FLOPs per token / (peak x workers). Omit for no MFU. */
  peakFlops?: number;
  /** Plain mode: also print a line every this many steps (default 0: evaluations and the last step only). */
  every?: number;
}

/** 75 -> "1m15s", 3725000 ms -> "1h02m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

/** Model FLOP utilisation of an event, or undefined without a peak. */
export function mfu(e: Pick<ProgressEvent, 'tokensPerSecond' | 'flopsPerToken' | 'workers'>, peakFlops?: number): number | undefined {
  if (!peakFlops || !(peakFlops > 0)) return undefined;
  return (e.tokensPerSecond * e.flopsPerToken) / (peakFlops * e.workers);
}

/** The plain one-line summary of an event. */
export function formatProgressLine(e: ProgressEvent, peakFlops?: number): string {
  const u = mfu(e, peakFlops);
  return [
    `step ${e.step}/${e.steps}`,
    `loss ${e.loss.toFixed(4)}`,
    ...(e.valLoss !== undefined ? [`val ${e.valLoss.toFixed(4)}`] : []),
    `lr ${e.lr.toExponential(2)}`,
    `${Math.round(e.tokensPerSecond)} tok/s`,
    ...(u !== undefined ? [`MFU ${(100 * u).toFixed(1)}%`] : []),
    `elapsed ${formatDuration(e.elapsedMs)}`,
    `ETA ${formatDuration(e.etaMs)}`,
    ...(e.checkpoint ? [`saved ${e.checkpoint}`] : []),
  ].join(' | ');
}

export type ProgressPrinter = ((e: ProgressEvent) => void) & { stop(): void };

/** An onProgress callback that prints; call stop() if the run ends early by an error (it stops itself at the last step). */
export function progressPrinter(opts: ProgressPrinterOptions = {}): ProgressPrinter {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? !!stream.isTTY;
  const every = opts.every ?? 0;
  if (!tty) {
    const plain = (e: ProgressEvent) => {
      if (e.valLoss !== undefined || e.step === e.steps || e.checkpoint || (every > 0 && e.step % every === 0)) {
        stream.write(formatProgressLine(e, opts.peakFlops) + '\n');
      }
    };
    return Object.assign(plain, { stop() {} });
  }
  let multi: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  const stop = () => {
    multi?.stop();
    multi = bar = undefined;
  };
  const live = (e: ProgressEvent) => {
    const u = mfu(e, opts.peakFlops);
    const payload = {
      loss: e.loss.toFixed(4),
      tps: String(Math.round(e.tokensPerSecond)),
      mfu: u === undefined ? '' : ` | MFU ${(100 * u).toFixed(1)}%`,
      etaText: formatDuration(e.etaMs),
    };
    if (!multi) {
      multi = new cliProgress.MultiBar({
        stream: stream as NodeJS.WritableStream, hideCursor: false, clearOnComplete: false, barsize: 24, gracefulExit: false, // Ctrl-C keeps its meaning
        format: 'step {value}/{total} {bar} loss {loss} | {tps} tok/s{mfu} | ETA {etaText}',
      }, cliProgress.Presets.shades_classic);
      bar = multi.create(e.steps, Math.max(0, e.step - 1), payload);
    }
    if (e.valLoss !== undefined || e.checkpoint) multi.log(formatProgressLine(e, opts.peakFlops) + '\n');
    bar!.update(e.step, payload);
    if (e.step >= e.steps) {
      multi.update();
      stop();
    }
  };
  return Object.assign(live, { stop });
}

export type MetricsLog = (e: ProgressEvent) => void;

/** An onProgress callback appending each event as one JSON line to `path` (created with its directory; never rewritten). */
export function metricsLog(path: string): MetricsLog {
  mkdirSync(dirname(path), { recursive: true });
  return (e: ProgressEvent) => {
    appendFileSync(path, JSON.stringify({ time: new Date().toISOString(), ...e }) + '\n');
  };
}
