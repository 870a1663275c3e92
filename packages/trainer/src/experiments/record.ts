// experiment.json: what an experiment directory remembers so a second compareArms call with the same `dir` skips
// the runs that finished (arm by arm, seed by seed) and refuses to mix runs of a different setup. Written as a temp
// file and renamed after every finished run. Also a storage view of a sub-directory (a run's checkpointDir when the
// experiment lives in a storage object rather than a Node directory).
import type { ResolvedConfig } from '@glyphlm/transformer-core';
import type { CheckpointStorage } from '../train/storage.js';
import type { HistoryEntry } from '../train/types.js';
import type { ValLossByFrequency } from './frequency.js';

export const EXPERIMENT_FORMAT = 'glyphlm-experiment';
export const EXPERIMENT_VERSION = 1;
export const EXPERIMENT_FILE = 'experiment.json';

/** One finished run of one arm. */
export interface RunResult {
  seed: number;
  /** Seed of the weight init (every tensor but a frozen or given table). */
  initSeed: number;
  history: HistoryEntry[];
  /** Validation loss after the last step (train()'s evaluation on its fixed val batches). */
  finalValLoss: number;
  /** The same val positions scored per position and split by train-split token counts; null when turned off. */
  valLossByFrequency: ValLossByFrequency | null;
  /** Training tokens the run consumed (rows x blockSize x steps). */
  tokensSeen: number;
  /** The step this run resumed from (0 = trained from scratch in one go). */
  resumedFrom: number;
}

/** The setup every run of the directory shares; a second call must match it field by field. */
export interface ExperimentSetup {
  config: ResolvedConfig;
  data: { fingerprint: string; tokenizerFingerprint: string; trainTokens: number; valTokens: number };
  /** train() options that change the numbers (the seed aside): steps, batchSize, lr, ... */
  train: Record<string, unknown>;
  /** 'seed' (init seed = run seed) or a fixed init seed. */
  initSeed: 'seed' | number;
  /** Frequency split: thresholds and batches, or null when off. */
  frequency: { thresholds: number[]; batches: number } | null;
}

export interface ExperimentRecord extends ExperimentSetup {
  format: typeof EXPERIMENT_FORMAT;
  version: typeof EXPERIMENT_VERSION;
  /** Each arm's description (kind, recipe, sizes, table hash) by name. */
  arms: Record<string, Record<string, unknown>>;
  /** Finished runs: runs[arm][seed]. */
  runs: Record<string, Record<string, RunResult>>;
}

/** experiment.json that cannot be read or belongs to another setup; names the file and the field. */
export class ExperimentRecordError extends Error {
  readonly file: string;
  readonly field: string | undefined;
  constructor(file: string, message: string, field?: string) {
    super(`${file}: ${message}`);
    this.name = 'ExperimentRecordError';
    this.file = file;
    this.field = field;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function fileName(storage: CheckpointStorage, path: string): string {
  return storage.location ? `${storage.location.replace(/\/+$/, '')}/${path}` : path;
}

/** experiment.json of the storage, or undefined when there is none yet. */
export async function readExperiment(storage: CheckpointStorage): Promise<ExperimentRecord | undefined> {
  const file = fileName(storage, EXPERIMENT_FILE);
  const bytes = await storage.read(EXPERIMENT_FILE);
  if (bytes === undefined) return undefined;
  let j: ExperimentRecord;
  try {
    j = JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new ExperimentRecordError(file, `invalid JSON (${(e as Error).message}); the file is corrupt or truncated`);
  }
  if (!j || typeof j !== 'object') throw new ExperimentRecordError(file, 'not a JSON object');
  if (j.format !== EXPERIMENT_FORMAT) throw new ExperimentRecordError(file, `format must be '${EXPERIMENT_FORMAT}', got ${JSON.stringify(j.format)}`, 'format');
  if (j.version !== EXPERIMENT_VERSION) throw new ExperimentRecordError(file, `version ${JSON.stringify(j.version)} is not supported (expected ${EXPERIMENT_VERSION})`, 'version');
  for (const k of ['config', 'data', 'train', 'arms', 'runs'] as const) {
    if (!j[k] || typeof j[k] !== 'object') throw new ExperimentRecordError(file, `${k} must be an object`, k);
  }
  for (const [arm, runs] of Object.entries(j.runs)) {
    for (const [seed, r] of Object.entries(runs ?? {})) {
      const at = `runs.${arm}.${seed}`;
      if (!r || typeof r !== 'object' || !Array.isArray(r.history) || typeof r.finalValLoss !== 'number' || String(r.seed) !== seed) {
        throw new ExperimentRecordError(file, `${at} is not a finished run record (seed, history, finalValLoss)`, at);
      }
    }
  }
  return j;
}

/** Writes experiment.json atomically (temp file, then rename). */
export async function writeExperiment(storage: CheckpointStorage, record: ExperimentRecord): Promise<void> {
  const tmp = `${EXPERIMENT_FILE}.tmp-${Math.random().toString(36).slice(2, 10)}`;
  await storage.write(tmp, encoder.encode(JSON.stringify(record) + '\n'));
  try {
    await storage.rename(tmp, EXPERIMENT_FILE);
  } catch (e) {
    await storage.remove(tmp).catch(() => undefined);
    throw e;
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Throws unless the recorded setup is this call's, naming the first differing field. */
export function checkSameSetup(file: string, rec: ExperimentRecord, now: ExperimentSetup): void {
  for (const part of ['config', 'data', 'train'] as const) {
    const a = rec[part] as Record<string, unknown>, b = now[part] as Record<string, unknown>;
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!same(a[k], b[k])) {
        throw new ExperimentRecordError(file, `${part}.${k} is ${JSON.stringify(a[k])} in the experiment but ${JSON.stringify(b[k])} now; finished runs would not be comparable (use another dir)`, `${part}.${k}`);
      }
    }
  }
  for (const k of ['initSeed', 'frequency'] as const) {
    if (!same(rec[k], now[k])) throw new ExperimentRecordError(file, `${k} is ${JSON.stringify(rec[k])} in the experiment but ${JSON.stringify(now[k])} now (use another dir)`, k);
  }
}

/** Throws when an arm name of this call was recorded with a different description (another table, kind or seed). */
export function checkSameArm(file: string, rec: ExperimentRecord, name: string, describe: Record<string, unknown>): void {
  const old = rec.arms[name];
  if (old && !same(old, describe)) {
    throw new ExperimentRecordError(file, `arm '${name}' was ${JSON.stringify(old)} in the experiment but is ${JSON.stringify(describe)} now (rename the arm or use another dir)`, `arms.${name}`);
  }
}

/** A view of `storage` under `prefix` (a run's checkpoint directory inside an experiment storage). */
export function subStorage(storage: CheckpointStorage, prefix: string): CheckpointStorage {
  const p = prefix.replace(/\/+$/, '');
  const at = (path: string) => (path === '' ? p : `${p}/${path}`);
  return {
    location: fileName(storage, p),
    read: (path) => storage.read(at(path)),
    write: (path, data) => storage.write(at(path), data),
    rename: (from, to) => storage.rename(at(from), at(to)),
    list: (dir) => storage.list(at(dir)),
    remove: (path) => storage.remove(at(path)),
  };
}
