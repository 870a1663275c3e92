// Node adapter: the file cache writes temp + rename, reuses entries, and never reads back a partly written or
// corrupt file (checksummed frame); font files from disk with errors naming the path.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildEmbeddings } from '../build.js';
import { frameCacheEntry, unframeCacheEntry } from '../cache.js';
import { fileCacheStore, loadFontFile } from './index.js';
import type { TokenizerLike } from '../types.js';

const dir = mkdtempSync(join(tmpdir(), 'glyphlm-cache-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A non-visual registered recipe would do, but bvv241 on the default font exercises the whole path.
const strings = ['a', 'b', 'ab', 'ж', '中', 'x', '<s>', 'the', 'Ω', '1'];
const tok: TokenizerLike = { name: 'tiny', vocabSize: strings.length, fingerprint: 'tiny-v1', tokenString: (i) => strings[i], isSpecial: (i) => i === 6 };

describe('fileCacheStore', () => {
  it('frames entries with a checksum and rejects partial or flipped ones', async () => {
    const payload = new Uint8Array(1000).map((_, i) => i * 7);
    const framed = await frameCacheEntry(payload);
    expect((await unframeCacheEntry(framed)).payload).toEqual(payload);
    expect((await unframeCacheEntry(framed.subarray(0, 500))).error).toMatch(/length field says 1000 payload bytes, entry holds 452/);
    const flip = framed.slice(); flip[700] ^= 4;
    expect((await unframeCacheEntry(flip)).error).toBe('checksum mismatch');
    expect((await unframeCacheEntry(new Uint8Array(10))).error).toMatch(/shorter than/);
  });

  it('build -> file; second build reads it; a truncated file is never read back and gets rebuilt', async () => {
    const store = fileCacheStore(dir);
    const a = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', cache: store });
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.glmcache'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.tmp'))).toHaveLength(0);
    const b = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', cache: store });
    expect(b.meta.cacheHit).toBe(true);
    expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer))).toBe(true);
    // simulate a crash mid-write of the final file (cannot happen with rename, but a copied/partial file can)
    const path = join(dir, files.find((f) => f.endsWith('.glmcache'))!);
    const full = readFileSync(path);
    writeFileSync(path, full.subarray(0, Math.floor(full.length / 2)));
    const c = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', cache: store });
    expect(c.meta.cacheHit).toBeUndefined();
    expect(Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength).equals(Buffer.from(a.data.buffer))).toBe(true);
    expect(readFileSync(path).length).toBe(full.length); // rewritten whole
    // a stray temp file from a killed writer is ignored
    writeFileSync(`${path}.999.abc.tmp`, full.subarray(0, 100));
    const d = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', cache: store });
    expect(d.meta.cacheHit).toBe(true);
    // different tokenizer fingerprint -> different key
    await buildEmbeddings({ ...tok, fingerprint: 'tiny-v2' }, { recipe: 'bvv241-2-3', cache: store });
    expect(readdirSync(dir).filter((f) => f.endsWith('.glmcache'))).toHaveLength(2);
  });

  it('cache: true uses $GLYPHLM_CACHE', async () => {
    const sub = join(dir, 'env');
    const prev = process.env.GLYPHLM_CACHE;
    process.env.GLYPHLM_CACHE = sub;
    try {
      const t2 = { ...tok, fingerprint: 'tiny-env' };
      await buildEmbeddings(t2, { recipe: 'bvv241-2-3', cache: true });
      expect(readdirSync(sub).filter((f) => f.endsWith('.glmcache'))).toHaveLength(1);
      expect((await buildEmbeddings(t2, { recipe: 'bvv241-2-3', cache: true })).meta.cacheHit).toBe(true);
    } finally {
      if (prev === undefined) delete process.env.GLYPHLM_CACHE; else process.env.GLYPHLM_CACHE = prev;
    }
  });

  it('rejects keys that are not hex digests', () => {
    expect(() => fileCacheStore(dir).pathOf('../etc/passwd')).toThrow(/bad cache key/);
  });
});

describe('loadFontFile', () => {
  it('names a missing path', async () => {
    await expect(loadFontFile('/nonexistent/font.ttf')).rejects.toThrow(/\/nonexistent\/font\.ttf: cannot read font file/);
  });
  it('names a file that is not a font', async () => {
    const p = join(dir, 'not-a-font.ttf');
    writeFileSync(p, 'plain text, definitely not a font');
    await expect(loadFontFile(p)).rejects.toThrow(/not-a-font\.ttf: not a TTF\/OTF\/WOFF font/);
  });
});

const distWorker = new URL('../../dist/node/worker.js', import.meta.url);
describe.skipIf(!existsSync(distWorker))('nodeParallel (worker threads, from dist/)', () => {
  it('scatter, eigen replay and projection on 2 workers give byte-identical matrices', async () => {
    const dist = (await import(new URL('../../dist/index.js', import.meta.url).href)) as typeof import('../index.js');
    const distNode = (await import(new URL('../../dist/node/index.js', import.meta.url).href)) as typeof import('./index.js');
    const chars = Array.from({ length: 3000 }, (_, i) => String.fromCodePoint(0x4e00 + ((i * 7919) % 20000)) + (i % 3 ? 'a' : ''));
    const t: TokenizerLike = { vocabSize: chars.length, fingerprint: 'par', tokenString: (i) => chars[i], isSpecial: () => false };
    const single = await dist.buildEmbeddings(t, { recipe: 'bvv241-2-3', parallel: false });
    const par = await dist.buildEmbeddings(t, { recipe: 'bvv241-2-3', parallel: distNode.nodeParallel({ workers: 2 }) });
    expect(Buffer.from(par.data.buffer, par.data.byteOffset, par.data.byteLength).equals(Buffer.from(single.data.buffer, single.data.byteOffset, single.data.byteLength))).toBe(true);
  });
});
