/// <reference types="node" />
// Node adapter of fuse-io.ts (loaded on demand, stubbed in the browser bundle): a fused model's folder is written
// whole into a temp folder beside the target and renamed into place, so a reader never sees half of one.
import { readCheckpointDir } from './index.js';

/**
 * Writes `files` (paths relative to `dir`) as the folder `dir`: into `dir.tmp-<random>/`, then renamed. An existing
 * `dir` must be empty or hold `marker` (a folder of the same kind), and is replaced.
 */
export async function writeFolderAtomic(dir: string, files: Array<[string, string | Uint8Array]>, marker: string): Promise<void> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const target = dir.replace(/\/+$/, '');
  let existing: string[] | null = null;
  try {
    existing = await fs.readdir(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') throw new Error(`${target}: exists and is not a folder`);
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing && existing.length > 0 && !existing.includes(marker)) {
    throw new Error(`${target}: the folder is not empty and holds no ${marker}; refusing to replace it`);
  }
  await fs.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const suffix = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const tmp = `${target}.tmp-${suffix}`;
  const old = `${target}.old-${suffix}`;
  try {
    for (const [rel, data] of files) {
      const p = path.join(tmp, rel);
      await fs.mkdir(path.dirname(p), { recursive: true });
      await fs.writeFile(p, data);
    }
    if (existing) await fs.rename(target, old);
    try {
      await fs.rename(tmp, target);
    } catch (e) {
      if (existing) await fs.rename(old, target);
      throw e;
    }
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existing) await fs.rm(old, { recursive: true, force: true });
}

/** A text file, or an error naming it. */
export async function readText(file: string): Promise<string> {
  const fs = await import('node:fs/promises');
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as Error).message})`);
  }
}

/** config.json text and model.safetensors bytes of a checkpoint folder. */
export async function readCheckpointFiles(dir: string): Promise<{ config: string; weights: Uint8Array }> {
  const { config, weights } = await readCheckpointDir(dir);
  return { config, weights };
}
