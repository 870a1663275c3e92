// MMLU from hendrycks/test CSV files: `{split}/{subject}_{split}.csv`, no header, `question,A,B,C,D,answer` with
// the answer a letter A-D. Every row is checked (6 columns, answer A-D) and errors name the file and line.
import { parseCsvRecords } from './csv.js';
import { McqDataError } from './errors.js';
import type { MMLU, McqItem } from './types.js';
import { assertSplitsNotEmpty } from './checks.js';

export const MMLU_SPLITS = ['dev', 'val', 'test'] as const;
export type MmluSplit = (typeof MMLU_SPLITS)[number];

const LETTERS = 'ABCD';

/** Parses one subject's CSV text into items (`index` = 0-based row, blank lines not counted). */
export function parseMmluCsv(text: string, opts: { file: string; subject: string }): McqItem[] {
  const records = parseCsvRecords(text, opts.file);
  return records.map((r, index) => {
    if (r.fields.length !== 6) {
      throw new McqDataError(`expected 6 columns (question,A,B,C,D,answer), got ${r.fields.length}`, { file: opts.file, line: r.line });
    }
    const letter = r.fields[5].trim();
    const answer = letter.length === 1 ? LETTERS.indexOf(letter) : -1;
    if (answer < 0) {
      throw new McqDataError(`answer must be one of A, B, C, D, got ${JSON.stringify(r.fields[5])}`, { file: opts.file, line: r.line, field: 'answer' });
    }
    return { subject: opts.subject, index, question: r.fields[0], choices: r.fields.slice(1, 5), answer };
  });
}

/** `test/abstract_algebra_test.csv` (or any path ending so) -> { split, subject }; undefined for other names. */
export function mmluCsvPathInfo(path: string): { split: MmluSplit; subject: string } | undefined {
  const m = /(?:^|[\\/])(dev|val|test)[\\/]([A-Za-z0-9_]+)_(dev|val|test)\.csv$/.exec(path);
  if (!m || m[1] !== m[3]) return undefined;
  return { split: m[1] as MmluSplit, subject: m[2] };
}

export interface MmluCsvOptions {
  /** Printed in reports, e.g. 'hendrycks CSVs at /data/mmlu'. */
  source: string;
  /** Allow a split with no rows (default false: an empty split is an error). */
  allowEmptySplits?: boolean;
}

/**
 * Builds MMLU from a map of `{split}/{subject}_{split}.csv` -> CSV text (a hendrycks data directory read into
 * memory). Subjects are sorted by name; items keep file order. Names that do not follow the layout are an error.
 */
export function mmluFromCsvFiles(files: Record<string, string>, opts: MmluCsvOptions): MMLU {
  const bySplit: Record<MmluSplit, Map<string, McqItem[]>> = { dev: new Map(), val: new Map(), test: new Map() };
  for (const path of Object.keys(files).sort()) {
    const info = mmluCsvPathInfo(path);
    if (!info) throw new McqDataError('not a hendrycks MMLU file name ({dev,val,test}/{subject}_{split}.csv)', { file: path });
    bySplit[info.split].set(info.subject, parseMmluCsv(files[path], { file: path, subject: info.subject }));
  }
  const subjects = [...new Set(MMLU_SPLITS.flatMap((s) => [...bySplit[s].keys()]))].sort();
  const dataset: MMLU = { name: 'mmlu', subjects, dev: [], val: [], test: [], source: opts.source };
  for (const split of MMLU_SPLITS) for (const s of subjects) dataset[split].push(...(bySplit[split].get(s) ?? []));
  if (!opts.allowEmptySplits) assertSplitsNotEmpty(dataset, MMLU_SPLITS, opts.source);
  return dataset;
}
