// MMLU from the Hugging Face `cais/mmlu` parquet files (columns question, subject, choices: list<string>,
// answer: int 0-3), read with hyparquet (browser-safe). Split from the file name: `test-*`, `validation-*`, `dev-*`
// (`auxiliary_train-*` is skipped). `index` counts a subject's rows in file order across shards sorted by name.
import { parquetReadObjects } from 'hyparquet';
import { McqDataError } from './errors.js';
import type { MMLU, McqItem } from './types.js';
import { assertSplitsNotEmpty, type SplitName } from './checks.js';

const SPLIT_OF_PREFIX: Record<string, SplitName | null> = { test: 'test', validation: 'val', dev: 'dev', auxiliary_train: null, train: null };

/** The MMLU split of a cais/mmlu parquet file name ('all/test-00000-of-00001.parquet' -> 'test'), null to skip. */
export function parquetSplitOf(path: string): SplitName | null {
  const base = path.split(/[\\/]/).pop() ?? path;
  const m = /^([a-z_]+?)(?:-\d+-of-\d+)?\.parquet$/.exec(base);
  if (!m || !(m[1] in SPLIT_OF_PREFIX)) {
    throw new McqDataError('not a cais/mmlu parquet file name ({test,validation,dev,auxiliary_train}-NNNNN-of-NNNNN.parquet)', { file: path });
  }
  return SPLIT_OF_PREFIX[m[1]];
}

function toArrayBuffer(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Reads one parquet file's rows as MMLU items, numbering each subject's rows from `next` (updated in place). */
export async function readMmluParquet(bytes: Uint8Array | ArrayBuffer, file: string, next: Map<string, number> = new Map()): Promise<McqItem[]> {
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file: toArrayBuffer(bytes), columns: ['question', 'subject', 'choices', 'answer'] })) as Record<string, unknown>[];
  } catch (e) {
    throw new McqDataError(`cannot read parquet (${(e as Error).message})`, { file });
  }
  return rows.map((row, r) => {
    const where = { file: `${file} row ${r}` };
    const { question, subject, choices } = row;
    const answer = typeof row.answer === 'bigint' ? Number(row.answer) : row.answer;
    if (typeof question !== 'string') throw new McqDataError('question must be a string', { ...where, field: 'question' });
    if (typeof subject !== 'string' || subject === '') throw new McqDataError('subject must be a non-empty string', { ...where, field: 'subject' });
    if (!Array.isArray(choices) || choices.length !== 4 || !choices.every((c) => typeof c === 'string')) {
      throw new McqDataError('choices must be a list of 4 strings', { ...where, field: 'choices' });
    }
    if (!Number.isInteger(answer) || (answer as number) < 0 || (answer as number) > 3) {
      throw new McqDataError(`answer must be 0..3, got ${String(row.answer)}`, { ...where, field: 'answer' });
    }
    const index = next.get(subject) ?? 0;
    next.set(subject, index + 1);
    return { subject, index, question, choices: choices as string[], answer: answer as number };
  });
}

export interface MmluParquetOptions {
  source: string;
  allowEmptySplits?: boolean;
}

/** Builds MMLU from cais/mmlu parquet files (name -> bytes); use one config's files (e.g. all `all/*.parquet`). */
export async function mmluFromParquet(files: Record<string, Uint8Array | ArrayBuffer>, opts: MmluParquetOptions): Promise<MMLU> {
  const items: Record<SplitName, McqItem[]> = { dev: [], val: [], test: [] };
  const next: Record<SplitName, Map<string, number>> = { dev: new Map(), val: new Map(), test: new Map() };
  const names = Object.keys(files).sort();
  for (const name of names) parquetSplitOf(name); // every name checked before any work
  for (const name of names) {
    const split = parquetSplitOf(name);
    if (split) items[split].push(...(await readMmluParquet(files[name], name, next[split])));
  }
  const subjects = [...new Set([...items.dev, ...items.val, ...items.test].map((it) => it.subject))].sort();
  const order = new Map(subjects.map((s, i) => [s, i]));
  const dataset: MMLU = { name: 'mmlu', subjects, dev: [], val: [], test: [], source: opts.source };
  for (const split of ['dev', 'val', 'test'] as const) {
    // group by subject (stable: rows of a subject keep their file order)
    dataset[split] = items[split].slice().sort((a, b) => order.get(a.subject)! - order.get(b.subject)! || a.index - b.index);
  }
  if (!opts.allowEmptySplits) assertSplitsNotEmpty(dataset, ['dev', 'val', 'test'], opts.source);
  return dataset;
}
