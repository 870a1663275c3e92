// loadMMLU(): the bundled copy (offline, Node and browsers) or a user's copy (bundle bytes/URL, CSV texts, parquet
// bytes, items in memory; in Node also a path, through the Node adapter loaded on demand).
import { McqDataError } from './errors.js';
import type { MMLU, McqDataset } from './types.js';
import { decodeBundle } from './bundle.js';
import { mmluFromCsvFiles } from './hendrycks.js';
import { mmluFromParquet } from './parquet.js';
import { freezeDataset, validateDataset } from './validate.js';

/** The bundled file, relative to this module (src/data and dist/data are both two levels below the package). */
export const BUNDLED_MMLU_URL = new URL('../../data/mmlu.json.gz', import.meta.url);

export type MmluSource =
  /** Gzip'd bundle bytes (the format of data/mmlu.json.gz). */
  | { bundle: Uint8Array | ArrayBuffer; name?: string }
  /** A URL of a gzip'd bundle (fetched). */
  | { url: string | URL }
  /** hendrycks CSV texts by path: `{ 'test/anatomy_test.csv': text, ... }`. */
  | { csv: Record<string, string>; name?: string }
  /** cais/mmlu parquet bytes by file name: `{ 'all/test-00000-of-00001.parquet': bytes, ... }`. */
  | { parquet: Record<string, Uint8Array | ArrayBuffer>; name?: string }
  /** Items in memory (validated). */
  | McqDataset
  /** Node: a directory of hendrycks CSVs or cais/mmlu parquet files, a .parquet or .json.gz file. Browsers: a bundle URL. */
  | string
  | URL;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

let bundled: Promise<MMLU> | undefined;

/**
 * Loads MMLU. Without an argument: the copy bundled with the package (hendrycks/test pre-release, 57 subjects,
 * 285 dev / 1,542 val / 14,079 test rows), decoded once and shared (frozen). With a source: see MmluSource.
 */
export function loadMMLU(source?: MmluSource): Promise<MMLU> {
  if (source === undefined) {
    if (!bundled) {
      bundled = loadBundledUncached().then(freezeDataset);
      bundled.catch(() => { bundled = undefined; });
    }
    return bundled;
  }
  return loadFrom(source);
}

async function loadBundledUncached(): Promise<MMLU> {
  if (isNode()) {
    const { readBundledBytes } = await import('../node/data-bundled.js');
    const { bytes, path } = await readBundledBytes(BUNDLED_MMLU_URL);
    return decodeBundle(bytes, path);
  }
  return fetchBundle(BUNDLED_MMLU_URL);
}

async function fetchBundle(url: string | URL): Promise<MMLU> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new McqDataError(`cannot fetch MMLU bundle (${(e as Error).message})`, { file: String(url) });
  }
  if (!res.ok) throw new McqDataError(`HTTP ${res.status} while fetching MMLU bundle`, { file: String(url) });
  return decodeBundle(new Uint8Array(await res.arrayBuffer()), String(url));
}

async function loadFrom(source: MmluSource): Promise<MMLU> {
  if (typeof source === 'string' || source instanceof URL) {
    if (isNode() && !(typeof source === 'string' && /^https?:/.test(source))) {
      const { loadMMLUFromPath } = await import('../node/data.js');
      return loadMMLUFromPath(source);
    }
    return fetchBundle(source);
  }
  if (typeof source !== 'object' || source === null) throw new McqDataError(`unsupported MMLU source ${String(source)}`, { field: 'source' });
  if ('bundle' in source) {
    const bytes = source.bundle instanceof Uint8Array ? source.bundle : new Uint8Array(source.bundle);
    return decodeBundle(bytes, source.name ?? 'bundle bytes');
  }
  if ('url' in source) return fetchBundle(source.url);
  if ('csv' in source) return mmluFromCsvFiles(source.csv, { source: source.name ?? 'hendrycks CSV files (in memory)' });
  if ('parquet' in source) return mmluFromParquet(source.parquet, { source: source.name ?? 'cais/mmlu parquet files (in memory)' });
  if ('test' in source) return validateDataset(source, source.source || source.name || 'dataset');
  throw new McqDataError('unsupported MMLU source: expected { bundle }, { url }, { csv }, { parquet }, a dataset, or a path', { field: 'source' });
}
