// ARC-Easy / ARC-Challenge and CommonsenseQA in their Hugging Face JSONL layouts, as multiple-choice datasets with
// the dataset's labels (ARC: {id, question, choices: {text, label}, answerKey}; CommonsenseQA: {id, question,
// question_concept, choices: {label, text}, answerKey}). Split from the file name: train -> dev, validation -> val,
// test -> test. `index` = 0-based row (non-blank line) of the file. Errors name the file and line.
import { McqDataError } from './errors.js';
import type { McqDataset, McqItem } from './types.js';
import type { SplitName } from './checks.js';

export interface JsonlRow {
  value: unknown;
  /** 1-based line. */
  line: number;
}

/** Parses JSON Lines; blank lines are skipped; a bad line throws naming file and line. */
export function parseJsonl(text: string, file: string): JsonlRow[] {
  const rows: JsonlRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      rows.push({ value: JSON.parse(raw), line: i + 1 });
    } catch (e) {
      throw new McqDataError(`not valid JSON (${(e as Error).message})`, { file, line: i + 1 });
    }
  });
  return rows;
}

const SPLIT_OF: Record<string, SplitName> = { train: 'dev', validation: 'val', test: 'test' };

/** 'ARC-Easy/validation-00000-of-00001.jsonl' or 'validation.jsonl' -> 'val'. */
export function jsonlSplitOf(path: string): SplitName {
  const base = path.split(/[\\/]/).pop() ?? path;
  const m = /^(train|validation|test)(?:-\d+-of-\d+)?\.jsonl$/.exec(base);
  if (!m) throw new McqDataError('not a Hugging Face JSONL split file ({train,validation,test}[-NNNNN-of-NNNNN].jsonl)', { file: path });
  return SPLIT_OF[m[1]];
}

export interface JsonlMcqOptions {
  /** Printed in reports. */
  source?: string;
  /** Skip rows with an empty answerKey (the unlabelled CommonsenseQA test split) instead of failing. */
  allowUnlabelled?: boolean;
}

type Field = 'id' | 'question' | 'choices' | 'answerKey';

/** One HF multiple-choice row -> McqItem (both layouts share {id, question, choices: {label, text}, answerKey}). */
function rowToItem(value: unknown, subject: string, index: number, file: string, line: number, allowUnlabelled: boolean): McqItem | undefined {
  const fail = (field: Field | string, msg: string): never => { throw new McqDataError(msg, { file, line, field }); };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('row', 'row is not a JSON object');
  const row = value as Record<string, unknown>;
  if (typeof row.id !== 'string') fail('id', 'id must be a string');
  if (typeof row.question !== 'string') fail('question', 'question must be a string');
  const choices = row.choices as { text?: unknown; label?: unknown } | undefined;
  const text = choices?.text;
  const label = choices?.label;
  if (!Array.isArray(text) || text.length < 2 || !text.every((t) => typeof t === 'string')) fail('choices.text', 'choices.text must be a list of at least 2 strings');
  if (!Array.isArray(label) || label.length !== (text as string[]).length || !label.every((t) => typeof t === 'string' && t !== '')) {
    fail('choices.label', `choices.label must be ${(text as string[]).length} non-empty strings, one per choice`);
  }
  if (new Set(label as string[]).size !== (label as string[]).length) fail('choices.label', 'choices.label has a repeated label');
  if (typeof row.answerKey !== 'string') fail('answerKey', 'answerKey must be a string');
  if (row.answerKey === '') {
    if (allowUnlabelled) return undefined;
    fail('answerKey', 'answerKey is empty (unlabelled row; pass allowUnlabelled to skip such rows)');
  }
  const answer = (label as string[]).indexOf(row.answerKey as string);
  if (answer < 0) fail('answerKey', `answerKey ${JSON.stringify(row.answerKey)} is not one of the labels ${(label as string[]).join(', ')}`);
  return { subject, index, id: row.id as string, question: row.question as string, choices: text as string[], answer, labels: label as string[] };
}

function datasetFromJsonl(name: string, files: Record<string, string>, opts: JsonlMcqOptions): McqDataset {
  const ds: McqDataset = { name, subjects: [name], dev: [], val: [], test: [], source: opts.source ?? `${name} JSONL files (in memory)` };
  const names = Object.keys(files).sort();
  const splits = names.map(jsonlSplitOf); // every name checked before any work
  names.forEach((file, f) => {
    const split = splits[f];
    if (ds[split].length > 0) throw new McqDataError(`two files for split '${split}' (shards of one split: concatenate them)`, { file });
    parseJsonl(files[file], file).forEach((row, index) => {
      const item = rowToItem(row.value, name, index, file, row.line, opts.allowUnlabelled ?? false);
      if (item) ds[split].push(item);
    });
  });
  if (ds.dev.length + ds.val.length + ds.test.length === 0) throw new McqDataError('no items in any split', { file: names.join(', ') || name });
  return ds;
}

/** ARC-Easy or ARC-Challenge from HF JSONL texts by file name (e.g. { 'validation.jsonl': text }). */
export function loadARC(files: Record<string, string>, opts: JsonlMcqOptions & { subset: 'easy' | 'challenge' }): McqDataset {
  if (opts.subset !== 'easy' && opts.subset !== 'challenge') throw new McqDataError(`subset must be 'easy' or 'challenge', got ${String(opts.subset)}`, { field: 'subset' });
  return datasetFromJsonl(`arc-${opts.subset}`, files, opts);
}

/** CommonsenseQA from HF JSONL texts by file name (the test split is unlabelled: pass allowUnlabelled or leave it out). */
export function loadCommonsenseQA(files: Record<string, string>, opts: JsonlMcqOptions = {}): McqDataset {
  return datasetFromJsonl('commonsense-qa', files, opts);
}
