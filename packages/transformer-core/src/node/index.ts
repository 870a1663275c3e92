/// <reference types="node" />
// Node adapter (the only module that touches node:fs): checkpoint directories, written via temp file + rename.
// Exported as the `@glyphlm/transformer-core/node` subpath and loaded on demand by checkpoint.ts.

/** Writes `data` to `path` atomically: a temp file in the same directory, then rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  const tmp = `${path}.tmp-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Writes config.json and model.safetensors into `dir` (created if needed). */
export async function writeCheckpointDir(dir: string, config: string, weights: Uint8Array): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(`${dir}/model.safetensors`, weights);
  await writeFileAtomic(`${dir}/config.json`, config);
}

/** Reads a checkpoint directory (or a file: URL to one). */
export async function readCheckpointDir(
  dirOrUrl: string,
  onProgress?: (p: { loaded: number; total: number | undefined }) => void,
): Promise<{ config: string; weights: Uint8Array; dir: string }> {
  const fs = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const dir = (dirOrUrl.startsWith('file:') ? fileURLToPath(dirOrUrl) : dirOrUrl).replace(/\/+$/, '');
  let config: string;
  try {
    config = await fs.readFile(`${dir}/config.json`, 'utf8');
  } catch (e) {
    throw new Error(`${dir}/config.json: cannot read (${(e as Error).message})`);
  }
  let weights: Uint8Array;
  try {
    const buf = await fs.readFile(`${dir}/model.safetensors`);
    weights = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new Error(`${dir}/model.safetensors: cannot read (${(e as Error).message})`);
  }
  onProgress?.({ loaded: weights.length, total: weights.length });
  return { config, weights, dir };
}

export { createHeadPool, type HeadPoolOptions } from './head-pool.js';
