/// <reference types="node" />
// Node adapter: a checkpoint directory as a CheckpointStorage (node:fs/promises). Loaded on demand by the core's
// train() when checkpointDir is a path. Renames are POSIX renames (atomic within one file system).
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CheckpointStorage } from '../train/storage.js';

export function nodeCheckpointStorage(dir: string): CheckpointStorage {
  const root = resolve(dir);
  const abs = (p: string) => (p === '' ? root : join(root, p));
  return {
    location: root,
    async read(path) {
      try {
        const b = await readFile(abs(path));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new Error(`${abs(path)}: cannot read (${(e as Error).message})`);
      }
    },
    async write(path, data) {
      await mkdir(dirname(abs(path)), { recursive: true });
      await writeFile(abs(path), data);
    },
    async rename(from, to) {
      await mkdir(dirname(abs(to)), { recursive: true });
      await rename(abs(from), abs(to));
    },
    async list(path) {
      try {
        return (await readdir(abs(path))).sort();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
    async remove(path) {
      await rm(abs(path), { recursive: true, force: true });
    },
  };
}
