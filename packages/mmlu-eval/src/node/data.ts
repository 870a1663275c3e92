// Node adapter, data part: loads MMLU from a path (a hendrycks CSV directory, a cais/mmlu parquet directory or file,
// a .json.gz bundle) and ARC / CommonsenseQA from Hugging Face JSONL files. Files are read here; parsing is the
// browser-safe code in src/data.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McqDataError } from '../data/errors.js';
import { decodeBundle } from '../data/bundle.js';
import { mmluCsvPathInfo, mmluFromCsvFiles } from '../data/hendrycks.js';
import { mmluFromParquet } from '../data/parquet.js';
import type { MMLU } from '../data/types.js';

export { readBundledBytes } from './data-bundled.js';
export * from './data-jsonl.js';
export * from './data-report.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/** Reads a hendrycks data directory ({dev,val,test}/{subject}_{split}.csv; other files ignored). */
export async function loadMmluCsvDir(dir: string, opts: { allowEmptySplits?: boolean } = {}): Promise<MMLU> {
  const files: Record<string, string> = {};
  for (const p of await walk(dir)) {
    const rel = relative(dir, p).split(sep).join('/');
    if (mmluCsvPathInfo(rel)) files[`${dir}/${rel}`.replace(/\/+/g, '/')] = await readFile(p, 'utf8');
  }
  if (Object.keys(files).length === 0) throw new McqDataError('no hendrycks CSV files ({dev,val,test}/{subject}_{split}.csv) found', { file: dir });
  return mmluFromCsvFiles(files, { source: `hendrycks CSV directory ${dir}`, allowEmptySplits: opts.allowEmptySplits });
}

/**
 * Reads cais/mmlu parquet files: `dir/all/*.parquet` when present (the `all` config), else every *.parquet under
 * `dir` (one config's files), or a single .parquet file.
 */
export async function loadMmluParquet(path: string, opts: { allowEmptySplits?: boolean } = {}): Promise<MMLU> {
  let paths: string[];
  if ((await stat(path)).isFile()) paths = [path];
  else {
    const all = (await walk(path)).filter((p) => p.endsWith('.parquet'));
    const allConfig = all.filter((p) => relative(path, p).split(sep)[0] === 'all');
    paths = allConfig.length > 0 ? allConfig : all;
  }
  if (paths.length === 0) throw new McqDataError('no .parquet files found', { file: path });
  const files: Record<string, Uint8Array> = {};
  for (const p of paths) files[p] = new Uint8Array(await readFile(p));
  return mmluFromParquet(files, { source: `cais/mmlu parquet ${path}`, allowEmptySplits: opts.allowEmptySplits ?? paths.length === 1 });
}

/** loadMMLU(path) in Node: a CSV directory, a parquet directory or file, or a .json.gz bundle. */
export async function loadMMLUFromPath(pathOrUrl: string | URL): Promise<MMLU> {
  const path = pathOrUrl instanceof URL || pathOrUrl.startsWith('file:') ? fileURLToPath(pathOrUrl) : pathOrUrl;
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new McqDataError(`cannot read MMLU source (${(e as Error).message})`, { file: path });
  }
  if (st.isFile()) {
    if (path.endsWith('.parquet')) return loadMmluParquet(path);
    if (path.endsWith('.gz')) return decodeBundle(new Uint8Array(await readFile(path)), path);
    throw new McqDataError('expected a directory, a .parquet file or a .json.gz bundle', { file: path });
  }
  const files = await walk(path);
  if (files.some((p) => mmluCsvPathInfo(relative(path, p).split(sep).join('/')))) return loadMmluCsvDir(path);
  if (files.some((p) => p.endsWith('.parquet'))) return loadMmluParquet(path);
  throw new McqDataError('no hendrycks CSV files ({dev,val,test}/{subject}_{split}.csv) or parquet files found', { file: path });
}
