// The bundled-data format: a gzip'd JSON object holding every split of a multiple-choice dataset, rows as
// [question, ...choices, answerIndex] grouped by subject in file order (so `index` = position). fflate does the
// (de)compression in browsers and Node alike.
import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate';
import { McqDataError } from './errors.js';
import type { McqDataset, McqItem } from './types.js';
import type { SplitName } from './checks.js';
import { validateDataset } from './validate.js';

export const BUNDLE_SCHEMA = 'glyphlm.mmlu-eval.bundle/1';
const SPLITS: readonly SplitName[] = ['dev', 'val', 'test'];

/** One source file behind the bundle (provenance, printed by the build script). */
export interface BundleFile {
  path: string;
  sha256: string;
  rows: number;
}

export interface BundleJson {
  schema: typeof BUNDLE_SCHEMA;
  name: string;
  source: string;
  license: string;
  subjects: string[];
  /** split -> subject -> rows [question, choice0, ..., choiceN, answerIndex]. */
  splits: Record<SplitName, Record<string, (string | number)[][]>>;
  files?: BundleFile[];
}

/** Encodes a dataset as gzip'd bundle JSON. Items of a subject must have indices 0, 1, 2, ... in order. */
export function encodeBundle(dataset: McqDataset, extra: { license: string; files?: BundleFile[] }): Uint8Array {
  const splits = { dev: {}, val: {}, test: {} } as BundleJson['splits'];
  for (const split of SPLITS) {
    for (const s of dataset.subjects) splits[split][s] = [];
    for (const it of dataset[split]) {
      const rows = splits[split][it.subject];
      if (it.index !== rows.length) throw new McqDataError(`items of subject '${it.subject}' must have indices 0,1,2,... in order (got ${it.index} at position ${rows.length})`, { file: split });
      rows.push([it.question, ...it.choices, it.answer]);
    }
  }
  const json: BundleJson = { schema: BUNDLE_SCHEMA, name: dataset.name, source: dataset.source, license: extra.license, subjects: dataset.subjects, splits, files: extra.files };
  return gzipSync(strToU8(JSON.stringify(json)), { level: 9, mtime: 0 });
}

/**
 * Decodes gzip'd bundle bytes (from the package's data/ folder, a URL or the caller) into a validated dataset.
 * Bytes that are already plain JSON are accepted too: servers that send `.gz` files with `Content-Encoding: gzip`
 * (Vite's dev server among them) have fetch() decompress them on the way.
 */
export function decodeBundle(bytes: Uint8Array, where = 'bundle'): McqDataset & { license: string; files?: BundleFile[] } {
  let json: BundleJson;
  try {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    json = JSON.parse(strFromU8(gzipped ? gunzipSync(bytes) : bytes)) as BundleJson;
  } catch (e) {
    throw new McqDataError(`not a gzip'd JSON bundle (${(e as Error).message})`, { file: where });
  }
  if (json?.schema !== BUNDLE_SCHEMA) throw new McqDataError(`unknown bundle schema ${JSON.stringify(json?.schema)} (expected ${BUNDLE_SCHEMA})`, { file: where, field: 'schema' });
  const out = { name: json.name, source: json.source, subjects: json.subjects, dev: [] as McqItem[], val: [] as McqItem[], test: [] as McqItem[], license: json.license, files: json.files };
  for (const split of SPLITS) {
    const bySubject = json.splits?.[split];
    if (typeof bySubject !== 'object' || bySubject === null) throw new McqDataError(`missing split '${split}'`, { file: where, field: `splits.${split}` });
    for (const subject of json.subjects) {
      (bySubject[subject] ?? []).forEach((row, index) => {
        if (!Array.isArray(row) || row.length < 4) throw new McqDataError(`row ${index} of ${subject} is malformed`, { file: where, field: `splits.${split}` });
        out[split].push({ subject, index, question: row[0] as string, choices: row.slice(1, -1) as string[], answer: row[row.length - 1] as number });
      });
    }
    for (const subject of Object.keys(bySubject)) {
      if (!json.subjects.includes(subject)) throw new McqDataError(`split '${split}' has subject '${subject}' missing from subjects`, { file: where, field: `splits.${split}` });
    }
  }
  return validateDataset(out, where);
}
