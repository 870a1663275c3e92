// Text files and globs as documents: expandGlobs (tinyglobby, sorted so the order is deterministic) and
// readTextFiles, an async iterable yielding each file's text as one document.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** Files named by paths and glob patterns, in a deterministic order (each pattern's matches sorted). */
export async function expandGlobs(patterns: string | string[], opts: { cwd?: string } = {}): Promise<string[]> {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  if (list.length === 0) throw new RangeError('expandGlobs: no files or patterns given');
  const cwd = resolve(opts.cwd ?? process.cwd());
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of list) {
    if (typeof p !== 'string' || p === '') throw new TypeError(`expandGlobs: pattern ${JSON.stringify(p)} is not a non-empty string`);
    let files: string[];
    if (isDynamicPattern(p)) {
      files = (await glob(p, { cwd, absolute: true, onlyFiles: true, expandDirectories: false })).sort();
      if (files.length === 0) throw new Error(`expandGlobs: pattern ${p} matches no file (in ${cwd})`);
    } else {
      const abs = resolve(cwd, p);
      const st = await stat(abs).catch(() => null);
      if (!st) throw new Error(`expandGlobs: ${abs} does not exist`);
      if (!st.isFile()) throw new Error(`expandGlobs: ${abs} is not a file`);
      files = [abs];
    }
    for (const f of files) if (!seen.has(f)) { seen.add(f); out.push(f); }
  }
  return out;
}

/** Each file's UTF-8 text as one document (files from expandGlobs; a BOM is dropped). */
export async function* readTextFiles(patterns: string | string[], opts: { cwd?: string } = {}): AsyncGenerator<string> {
  const files = await expandGlobs(patterns, opts);
  for (const f of files) yield await readTextFile(f);
}

/** One file's text; invalid UTF-8 is an error naming the file. */
export async function readTextFile(file: string): Promise<string> {
  const bytes = await readFile(file);
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new Error(`readTextFile: ${file} is not valid UTF-8`);
  }
}
