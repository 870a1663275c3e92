// File helpers of the command line: checks that name the missing file before any work, atomic writes (temp file in
// the same directory, then rename) and atomic directories.
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from './errors.js';

/** Throws a UsageError naming `what` when `path` is not an existing file. */
export function requireFile(path: string, what = 'file'): string {
  if (!existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} is not a file: ${path}`);
  return path;
}

/** Throws a UsageError naming `what` when `path` is not an existing directory. */
export function requireDir(path: string, what = 'directory'): string {
  if (!existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  if (!statSync(path).isDirectory()) throw new UsageError(`${what} is not a directory: ${path}`);
  return path;
}

/** Writes a file through a temp file in the same directory and a rename (never half written). */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Fills a fresh temp directory beside `dir` with `fill`, then renames it to `dir` (replacing an old one). */
export async function writeDirAtomic(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(tmp);
    await fill(tmp);
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
