// Node adapter: ARC and CommonsenseQA from a directory of Hugging Face JSONL split files
// ({train,validation,test}[-NNNNN-of-NNNNN].jsonl) or one such file.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { McqDataError } from '../data/errors.js';
import { loadARC, loadCommonsenseQA, type JsonlMcqOptions } from '../data/jsonl.js';
import type { McqDataset } from '../data/types.js';

async function readSplitFiles(path: string): Promise<Record<string, string>> {
  let paths: string[];
  try {
    paths = (await stat(path)).isFile() ? [path] : (await readdir(path)).filter((n) => n.endsWith('.jsonl')).sort().map((n) => join(path, n));
  } catch (e) {
    throw new McqDataError(`cannot read (${(e as Error).message})`, { file: path });
  }
  if (paths.length === 0) throw new McqDataError('no .jsonl files found', { file: path });
  const files: Record<string, string> = {};
  for (const p of paths) files[p] = await readFile(p, 'utf8');
  return files;
}

/** ARC-Easy / ARC-Challenge from a directory (or one file) of HF JSONL splits. */
export async function loadARCFromPath(path: string, opts: JsonlMcqOptions & { subset: 'easy' | 'challenge' }): Promise<McqDataset> {
  return loadARC(await readSplitFiles(path), { source: `ARC-${opts.subset === 'easy' ? 'Easy' : 'Challenge'} JSONL ${path}`, ...opts });
}

/** CommonsenseQA from a directory (or one file) of HF JSONL splits. */
export async function loadCommonsenseQAFromPath(path: string, opts: JsonlMcqOptions = {}): Promise<McqDataset> {
  return loadCommonsenseQA(await readSplitFiles(path), { source: `CommonsenseQA JSONL ${path}`, ...opts });
}
