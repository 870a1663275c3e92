// Validation of in-memory datasets (user objects, decoded bundles, parquet rows): every item is checked before use,
// and errors name the split, item position and field.
import { McqDataError } from './errors.js';
import type { McqDataset, McqItem } from './types.js';
import type { SplitName } from './checks.js';

const SPLITS: readonly SplitName[] = ['dev', 'val', 'test'];

/** Checks one item; `where` names it in errors (e.g. 'test[12]'). */
export function validateItem(item: unknown, where: string): McqItem {
  if (typeof item !== 'object' || item === null) throw new McqDataError('item is not an object', { file: where });
  const it = item as Record<string, unknown>;
  if (typeof it.subject !== 'string' || it.subject === '') throw new McqDataError('subject must be a non-empty string', { file: where, field: 'subject' });
  if (!Number.isInteger(it.index) || (it.index as number) < 0) throw new McqDataError(`index must be a non-negative integer, got ${String(it.index)}`, { file: where, field: 'index' });
  if (typeof it.question !== 'string') throw new McqDataError('question must be a string', { file: where, field: 'question' });
  if (!Array.isArray(it.choices) || it.choices.length < 2 || !it.choices.every((c) => typeof c === 'string')) {
    throw new McqDataError('choices must be an array of at least 2 strings', { file: where, field: 'choices' });
  }
  const n = it.choices.length;
  if (!Number.isInteger(it.answer) || (it.answer as number) < 0 || (it.answer as number) >= n) {
    throw new McqDataError(`answer must be an integer in 0..${n - 1}, got ${String(it.answer)}`, { file: where, field: 'answer' });
  }
  if (it.labels !== undefined) {
    if (!Array.isArray(it.labels) || it.labels.length !== n || !it.labels.every((l) => typeof l === 'string' && l !== '')) {
      throw new McqDataError(`labels must be ${n} non-empty strings (one per choice)`, { file: where, field: 'labels' });
    }
    if (new Set(it.labels).size !== n) throw new McqDataError('labels must be distinct', { file: where, field: 'labels' });
  }
  return it as unknown as McqItem;
}

/**
 * Checks a whole dataset: the fields, each item, items' subjects listed in `subjects`, (subject, index) unique per
 * split. Returns the same object.
 */
export function validateDataset<T extends McqDataset>(dataset: T, where = 'dataset'): T {
  if (typeof dataset !== 'object' || dataset === null) throw new McqDataError('dataset is not an object', { file: where });
  if (typeof dataset.name !== 'string' || dataset.name === '') throw new McqDataError('name must be a non-empty string', { file: where, field: 'name' });
  if (typeof dataset.source !== 'string') throw new McqDataError('source must be a string', { file: where, field: 'source' });
  if (!Array.isArray(dataset.subjects) || !dataset.subjects.every((s) => typeof s === 'string')) {
    throw new McqDataError('subjects must be an array of strings', { file: where, field: 'subjects' });
  }
  const subjects = new Set(dataset.subjects);
  for (const split of SPLITS) {
    const items = dataset[split];
    if (!Array.isArray(items)) throw new McqDataError(`split '${split}' must be an array of items`, { file: where, field: split });
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const at = `${where}: ${split}[${i}]`;
      validateItem(item, at);
      if (!subjects.has(item.subject)) throw new McqDataError(`subject '${item.subject}' is not in the dataset's subjects`, { file: at, field: 'subject' });
      const key = `${item.subject}\u0000${item.index}`;
      if (seen.has(key)) throw new McqDataError(`duplicate item (subject '${item.subject}', index ${item.index})`, { file: at, field: 'index' });
      seen.add(key);
    });
  }
  return dataset;
}

/** Freezes a dataset deeply (the cached bundled copy is shared between callers). */
export function freezeDataset<T extends McqDataset>(dataset: T): T {
  for (const split of SPLITS) {
    for (const it of dataset[split]) {
      Object.freeze(it.choices);
      if (it.labels) Object.freeze(it.labels);
      Object.freeze(it);
    }
    Object.freeze(dataset[split]);
  }
  Object.freeze(dataset.subjects);
  return Object.freeze(dataset);
}
