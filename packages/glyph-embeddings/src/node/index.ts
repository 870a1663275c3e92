// Node adapter of @glyphlm/glyph-embeddings (subpath `@glyphlm/glyph-embeddings/node`): font files from disk, the
// on-disk matrix cache (temp file + rename; entries are checksummed by the cache layer), and worker-thread
// parallelism for the heavy build steps. The only module (with fs.ts, parallel.ts and worker.ts beside it) that imports Node built-ins.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheStore } from '../cache.js';
import { loadFont, type GlyphFont } from '../font/font.js';
import { readFontFile } from './fs.js';

export { readFontFile } from './fs.js';
export { nodeParallel, type NodeParallelOptions } from './parallel.js';

/** Loads a font file from disk; errors name the path. */
export async function loadFontFile(path: string): Promise<GlyphFont> {
  return loadFont(await readFontFile(path), { source: path });
}

/** The default cache folder: $GLYPHLM_CACHE, else ~/.cache/glyphlm/embeddings. */
export function defaultCacheDir(): string {
  const env = process.env.GLYPHLM_CACHE;
  if (env) return env;
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '.';
  return join(home, '.cache', 'glyphlm', 'embeddings');
}

const KEY_RE = /^[0-9a-f]{16,128}$/;

/**
 * A file-backed CacheStore: `<dir>/<key>.glmcache`. put() writes `<key>.<pid>.<random>.tmp` then renames it over
 * the final name, so readers see either the old complete file or the new complete file, never a partial one.
 */
export function fileCacheStore(dir: string = defaultCacheDir()): CacheStore & { dir: string; pathOf(key: string): string } {
  const pathOf = (key: string) => {
    if (!KEY_RE.test(key)) throw new Error(`fileCacheStore: bad cache key '${key}'`);
    return join(dir, `${key}.glmcache`);
  };
  return {
    dir,
    pathOf,
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async put(key, bytes) {
      await mkdir(dir, { recursive: true });
      const final = pathOf(key);
      const tmp = `${final}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      try {
        await writeFile(tmp, bytes);
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
