// Shard directories: writeShards(data, dir) writes train-00000.bin ..., val-00000.bin ..., optional .mask.bin
// files and corpus.json into a temp directory beside `dir` and renames it into place; readShards(dir) reads them
// back into CorpusData, checking every header, the shard list and the corpus fingerprint.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, readdir, stat, writeFile, open } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CorpusData, CorpusMeta } from '../data/types.js';
import { bytesPerIdFor, decodeShard, encodeShard } from '../data/shards.js';
import { corpusFingerprint, type HashParts } from '../data/fingerprint.js';

export const CORPUS_JSON = 'corpus.json';

/** SHA-256 over byte parts with node:crypto (same digest as the core's portable one, without concatenating). */
export const nodeHashParts: HashParts = (parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p); // copied into the hash state at once, so reused chunks are fine
  return h.digest('hex');
};

export interface ShardEntry { file: string; tokens: number; mask?: string }

/** corpus.json: the corpus metadata and the shard list (the token stream of a split = its shards in order). */
export interface CorpusManifest {
  format: 'glyphlm-corpus';
  version: 1;
  vocabSize: number;
  bytesPerId: number;
  meta: CorpusMeta;
  shards: { train: ShardEntry[]; val: ShardEntry[] };
}

export interface WriteShardsOptions {
  /** Tokens per shard file (default 100,000,000, as nanoGPT's FineWeb shards). */
  shardTokens?: number;
  /** Replace an existing non-empty directory (default false: error). */
  overwrite?: boolean;
}

/** Write a corpus as shard files plus corpus.json; atomic: a temp directory beside `dir`, renamed at the end. */
export async function writeShards(data: CorpusData, dir: string, opts: WriteShardsOptions = {}): Promise<CorpusManifest> {
  const shardTokens = opts.shardTokens ?? 100_000_000;
  if (!Number.isInteger(shardTokens) || shardTokens < 1) throw new RangeError(`writeShards: shardTokens must be a positive integer, got ${shardTokens}`);
  checkCorpusData(data);
  const target = resolve(dir);
  const existing = await stat(target).catch(() => null);
  if (existing && !existing.isDirectory()) throw new Error(`writeShards: ${target} exists and is not a directory`);
  if (existing && (await readdir(target)).length > 0 && !opts.overwrite) {
    throw new Error(`writeShards: ${target} is not empty (pass overwrite: true to replace it)`);
  }
  await mkdir(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp);
  try {
    const manifest: CorpusManifest = {
      format: 'glyphlm-corpus', version: 1, vocabSize: data.vocabSize, bytesPerId: bytesPerIdFor(data.vocabSize),
      meta: data.meta, shards: { train: [], val: [] },
    };
    for (const split of ['train', 'val'] as const) {
      const ids = data[split];
      const mask = split === 'train' ? data.trainMask : data.valMask;
      const count = Math.max(1, Math.ceil(ids.length / shardTokens));
      for (let k = 0; k < count; k++) {
        const part = ids.subarray(k * shardTokens, Math.min(ids.length, (k + 1) * shardTokens));
        const name = `${split}-${String(k).padStart(5, '0')}`;
        const meta = {
          kind: 'ids' as const, split, index: k, count, tokenizer: data.meta.tokenizer,
          tokenizerFingerprint: data.meta.tokenizerFingerprint, corpusFingerprint: data.meta.fingerprint,
        };
        await writeFile(join(tmp, `${name}.bin`), encodeShard(part, { vocabSize: data.vocabSize, meta, file: `${name}.bin` }));
        const entry: ShardEntry = { file: `${name}.bin`, tokens: part.length };
        if (mask) {
          const m = mask.subarray(k * shardTokens, Math.min(mask.length, (k + 1) * shardTokens));
          await writeFile(join(tmp, `${name}.mask.bin`), encodeShard(m, { vocabSize: data.vocabSize, meta: { ...meta, kind: 'mask' }, file: `${name}.mask.bin` }));
          entry.mask = `${name}.mask.bin`;
        }
        manifest.shards[split].push(entry);
      }
    }
    await writeFile(join(tmp, CORPUS_JSON), JSON.stringify(manifest, null, 2) + '\n');
    await syncDir(tmp);
    if (existing) {
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, target);
    }
    return manifest;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

async function syncDir(path: string): Promise<void> {
  for (const f of await readdir(path)) { const h = await open(join(path, f), 'r'); await h.sync(); await h.close(); }
}

function checkCorpusData(d: CorpusData): void {
  if (!d || !(d.train instanceof Uint32Array) || !(d.val instanceof Uint32Array)) throw new TypeError('writeShards: data must be CorpusData (train and val Uint32Arrays)');
  if (!d.meta || typeof d.meta.fingerprint !== 'string') throw new TypeError('writeShards: data.meta.fingerprint is missing');
  if (d.trainMask && d.trainMask.length !== d.train.length) throw new RangeError(`writeShards: trainMask has ${d.trainMask.length} entries for ${d.train.length} tokens`);
  if (d.valMask && d.valMask.length !== d.val.length) throw new RangeError(`writeShards: valMask has ${d.valMask.length} entries for ${d.val.length} tokens`);
  if (!!d.trainMask !== !!d.valMask) throw new RangeError('writeShards: give both trainMask and valMask or neither');
}

function manifestError(file: string, field: string, msg: string): Error {
  return new Error(`${file}: ${field}: ${msg}`);
}

/** Read a shard directory written by writeShards back into CorpusData (checks headers, counts and fingerprint). */
export async function readShards(dir: string): Promise<CorpusData> {
  const root = resolve(dir);
  const mfile = join(root, CORPUS_JSON);
  let text: string;
  try { text = await readFile(mfile, 'utf8'); } catch (e) { throw new Error(`readShards: cannot read ${mfile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let m: CorpusManifest;
  try { m = JSON.parse(text); } catch (e) { throw manifestError(mfile, 'json', `not valid JSON (${(e as Error).message})`); }
  if (m?.format !== 'glyphlm-corpus') throw manifestError(mfile, 'format', `${JSON.stringify(m?.format)} is not "glyphlm-corpus"`);
  if (m.version !== 1) throw manifestError(mfile, 'version', `${m.version} is not supported`);
  if (!Number.isInteger(m.vocabSize) || m.vocabSize < 1) throw manifestError(mfile, 'vocabSize', `${m.vocabSize} is not a positive integer`);
  if (!m.meta || typeof m.meta.fingerprint !== 'string') throw manifestError(mfile, 'meta.fingerprint', 'missing');
  const out: Partial<CorpusData> = { vocabSize: m.vocabSize, meta: m.meta };
  let masks: boolean | null = null;
  for (const split of ['train', 'val'] as const) {
    const list = m.shards?.[split];
    if (!Array.isArray(list)) throw manifestError(mfile, `shards.${split}`, 'missing or not an array');
    let total = 0;
    list.forEach((e, k) => {
      if (!e || typeof e.file !== 'string' || !Number.isInteger(e.tokens) || e.tokens < 0) throw manifestError(mfile, `shards.${split}[${k}]`, 'needs a file name and a token count');
      if (e.file.includes('/') || e.file.includes('\\')) throw manifestError(mfile, `shards.${split}[${k}].file`, `${e.file} must be a plain file name`);
      total += e.tokens;
      const has = typeof e.mask === 'string';
      if (masks === null) masks = has; else if (masks !== has) throw manifestError(mfile, `shards.${split}[${k}].mask`, 'some shards have masks and some do not');
    });
    const ids = new Uint32Array(total);
    const mask = masks ? new Uint8Array(total) : undefined;
    let at = 0;
    for (const [k, e] of list.entries()) {
      const path = join(root, e.file);
      const bytes = await readFile(path).catch((err) => { throw new Error(`readShards: cannot read ${path} (${err.code ?? err.message}), listed in ${mfile} shards.${split}[${k}]`); });
      const s = decodeShard(bytes, { file: path, vocabSize: m.vocabSize, kind: 'ids', count: e.tokens });
      checkShardMeta(path, s.header.meta, split, k, list.length, m.meta.fingerprint);
      ids.set(s.values, at);
      if (mask) {
        const mp = join(root, e.mask!);
        const mb = await readFile(mp).catch((err) => { throw new Error(`readShards: cannot read ${mp} (${err.code ?? err.message}), listed in ${mfile} shards.${split}[${k}].mask`); });
        const ms = decodeShard(mb, { file: mp, vocabSize: m.vocabSize, kind: 'mask', count: e.tokens });
        checkShardMeta(mp, ms.header.meta, split, k, list.length, m.meta.fingerprint);
        mask.set(ms.values, at);
      }
      at += e.tokens;
    }
    out[split] = ids;
    if (mask) out[split === 'train' ? 'trainMask' : 'valMask'] = mask;
    const expect = m.meta.tokens?.[split];
    if (expect !== undefined && expect !== total) throw manifestError(mfile, `meta.tokens.${split}`, `${expect}, but the shards hold ${total}`);
  }
  const data = out as CorpusData;
  const fp = corpusFingerprint(data, nodeHashParts);
  if (fp !== m.meta.fingerprint) throw manifestError(mfile, 'meta.fingerprint', `${m.meta.fingerprint} does not match the shards' contents (${fp})`);
  return data;
}

function checkShardMeta(path: string, meta: Record<string, unknown>, split: string, index: number, count: number, fingerprint: string): void {
  const want: Record<string, unknown> = { split, index, count, corpusFingerprint: fingerprint };
  for (const [k, v] of Object.entries(want)) {
    if (meta[k] !== undefined && meta[k] !== v) throw new Error(`${path}: meta.${k}: ${JSON.stringify(meta[k])}, expected ${JSON.stringify(v)} (a shard from another corpus or position?)`);
  }
}
