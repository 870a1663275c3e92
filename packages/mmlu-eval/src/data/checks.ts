// Checks the protocols run before any work: a split has items, every subject has enough dev items for the shots.
import { McqDataError } from './errors.js';
import type { McqDataset } from './types.js';

export type SplitName = 'dev' | 'val' | 'test';

/** Throws when one of `splits` has no items (names the dataset's source and the split). */
export function assertSplitsNotEmpty(dataset: McqDataset, splits: readonly SplitName[], where = dataset.source): void {
  for (const split of splits) {
    if (dataset[split].length === 0) throw new McqDataError(`split '${split}' is empty`, { file: where });
  }
}

/** Throws when `split` has no items for one of `subjects` (default: all of the dataset's subjects). */
export function checkSplit(dataset: McqDataset, split: SplitName, subjects: readonly string[] = dataset.subjects): void {
  if (dataset[split].length === 0) throw new McqDataError(`split '${split}' is empty`, { file: dataset.source });
  const counts = countBySubject(dataset, split);
  for (const s of subjects) {
    if (!dataset.subjects.includes(s)) throw new McqDataError(`unknown subject '${s}' (the dataset has ${dataset.subjects.length} subjects)`, { file: dataset.source, field: 'subjects' });
    if (!counts.get(s)) throw new McqDataError(`split '${split}' has no items for subject '${s}'`, { file: dataset.source });
  }
}

/**
 * Throws when a subject has fewer dev items than `shots` (few-shot prompts take the first `shots` dev items of
 * the subject). Checks `subjects` (default: all). shots = 0 always passes.
 */
export function checkShots(dataset: McqDataset, shots: number, subjects: readonly string[] = dataset.subjects): void {
  if (!Number.isInteger(shots) || shots < 0) throw new McqDataError(`shots must be a non-negative integer, got ${shots}`, { field: 'shots' });
  if (shots === 0) return;
  const counts = countBySubject(dataset, 'dev');
  for (const s of subjects) {
    const have = counts.get(s) ?? 0;
    if (have < shots) {
      throw new McqDataError(`subject '${s}' has ${have} dev item${have === 1 ? '' : 's'}, fewer than shots = ${shots}`, { file: dataset.source, field: 'shots' });
    }
  }
}

/** The first `shots` dev items of `subject`, in file order. */
export function devShots<T extends McqDataset>(dataset: T, subject: string, shots: number): T['dev'] {
  const out: T['dev'] = [];
  for (const it of dataset.dev) {
    if (out.length >= shots) break;
    if (it.subject === subject) out.push(it);
  }
  return out;
}

function countBySubject(dataset: McqDataset, split: SplitName): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of dataset[split]) m.set(it.subject, (m.get(it.subject) ?? 0) + 1);
  return m;
}
