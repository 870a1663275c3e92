// Shard files (SPECS.md): a 1,024-byte little-endian header ("GLM1", version, bytes per id, vocabSize, token count,
// JSON metadata) followed by uint16/uint32 ids (or uint8 loss masks), which numpy can memory-map. Bytes only here
// (browser-safe); `@glyphlm/trainer/node` writes and reads shard directories.
import { crc32 } from './crc32.js';

export const SHARD_MAGIC = 0x314d4c47; // the bytes "GLM1" little-endian
export const SHARD_VERSION = 1;
export const SHARD_HEADER_BYTES = 1024;
const META_OFFSET = 32;
const META_MAX = SHARD_HEADER_BYTES - META_OFFSET;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** JSON metadata stored in a shard header. */
export interface ShardMeta {
  /** 'ids' or 'mask'. */
  kind?: 'ids' | 'mask';
  split?: string;
  index?: number;
  count?: number;
  tokenizer?: string;
  tokenizerFingerprint?: string;
  corpusFingerprint?: string;
  /** CRC-32 (zlib) of the body bytes; written by encodeShard, checked by decodeShard. */
  crc32?: number;
  [key: string]: unknown;
}

export interface ShardHeader {
  version: number;
  /** 1 (mask), 2 or 4. */
  bytesPerId: number;
  vocabSize: number;
  count: number;
  meta: ShardMeta;
}

export interface DecodedShard {
  header: ShardHeader;
  /** The ids (Uint16Array / Uint32Array) or mask bytes (Uint8Array); a view of the input when aligned. */
  values: Uint8Array | Uint16Array | Uint32Array;
}

/** Bytes per id a vocabulary needs: 2 when vocabSize <= 65,536, else 4. */
export function bytesPerIdFor(vocabSize: number): 2 | 4 {
  return vocabSize <= 65536 ? 2 : 4;
}

export class ShardFormatError extends Error {
  constructor(readonly file: string, readonly field: string, message: string) {
    super(`${file}: ${field}: ${message}`);
    this.name = 'ShardFormatError';
  }
}

/**
 * A shard file's bytes. `values` are ids (checked against vocabSize) or, with `kind: 'mask'` in meta, loss-mask
 * bytes (0/1).
 */
export function encodeShard(values: ArrayLike<number>, opts: { vocabSize: number; meta?: ShardMeta; file?: string }): Uint8Array {
  const file = opts.file ?? 'shard';
  const vocabSize = opts.vocabSize;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > 0x7fffffff) throw new ShardFormatError(file, 'vocabSize', `must be a positive int32, got ${vocabSize}`);
  const isMask = opts.meta?.kind === 'mask';
  const bpi = isMask ? 1 : bytesPerIdFor(vocabSize);
  const n = values.length;
  const out = new Uint8Array(SHARD_HEADER_BYTES + n * bpi);
  const body = out.subarray(SHARD_HEADER_BYTES);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (isMask ? v !== 0 && v !== 1 : !(Number.isInteger(v) && v >= 0 && v < vocabSize)) {
      throw new ShardFormatError(file, isMask ? `mask[${i}]` : `ids[${i}]`, isMask ? `mask value ${v} is not 0 or 1` : `id ${v} is outside the vocabulary (0..${vocabSize - 1})`);
    }
  }
  if (bpi === 1) body.set(values);
  else if (littleEndian) (bpi === 2 ? new Uint16Array(out.buffer, SHARD_HEADER_BYTES, n) : new Uint32Array(out.buffer, SHARD_HEADER_BYTES, n)).set(values);
  else for (let i = 0; i < n; i++) { if (bpi === 2) dv.setUint16(SHARD_HEADER_BYTES + 2 * i, values[i], true); else dv.setUint32(SHARD_HEADER_BYTES + 4 * i, values[i], true); }
  const meta: ShardMeta = { ...(opts.meta ?? {}), crc32: crc32(body) };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  if (json.length > META_MAX) throw new ShardFormatError(file, 'meta', `metadata JSON is ${json.length} bytes; the header holds ${META_MAX}`);
  dv.setInt32(0, SHARD_MAGIC, true);
  dv.setInt32(4, SHARD_VERSION, true);
  dv.setInt32(8, bpi, true);
  dv.setInt32(12, vocabSize, true);
  dv.setUint32(16, n >>> 0, true);
  dv.setUint32(20, Math.floor(n / 4294967296), true);
  dv.setInt32(24, json.length, true);
  out.set(json, META_OFFSET);
  return out;
}

export interface DecodeShardOptions {
  /** Name used in errors (the file path). */
  file?: string;
  /** Error unless the header's vocabSize is this. */
  vocabSize?: number;
  /** Error unless the shard holds this kind ('ids' default when the header says 2 or 4 bytes per id). */
  kind?: 'ids' | 'mask';
  /** Error unless the count is this. */
  count?: number;
  /** Check the body's CRC-32 against the header (default true). */
  verifyChecksum?: boolean;
  /** Check every id < vocabSize (default true). */
  verifyIds?: boolean;
}

/** Read the header only (the first 1,024 bytes suffice); strict: every field is checked. */
export function decodeShardHeader(bytes: Uint8Array, opts: DecodeShardOptions = {}): ShardHeader {
  const file = opts.file ?? 'shard';
  if (bytes.length < SHARD_HEADER_BYTES) throw new ShardFormatError(file, 'header', `truncated: ${bytes.length} bytes, a header needs ${SHARD_HEADER_BYTES}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, SHARD_HEADER_BYTES);
  const magic = dv.getUint32(0, true);
  if (magic !== SHARD_MAGIC) throw new ShardFormatError(file, 'magic', `0x${magic.toString(16).padStart(8, '0')} is not a glyphlm shard (expected 0x314d4c47, "GLM1")`);
  const version = dv.getInt32(4, true);
  if (version !== SHARD_VERSION) throw new ShardFormatError(file, 'version', `${version} is not supported (expected ${SHARD_VERSION})`);
  const bytesPerId = dv.getInt32(8, true);
  const vocabSize = dv.getInt32(12, true);
  if (vocabSize < 1) throw new ShardFormatError(file, 'vocabSize', `${vocabSize} is not a positive vocabulary size`);
  const count = dv.getUint32(16, true) + dv.getUint32(20, true) * 4294967296;
  if (!Number.isSafeInteger(count)) throw new ShardFormatError(file, 'count', `${count} is not a valid token count`);
  const metaLen = dv.getInt32(24, true);
  if (metaLen < 0 || metaLen > META_MAX) throw new ShardFormatError(file, 'metaLength', `${metaLen} is outside 0..${META_MAX}`);
  if (dv.getInt32(28, true) !== 0) throw new ShardFormatError(file, 'header', 'reserved bytes 28..31 are not zero');
  for (let i = META_OFFSET + metaLen; i < SHARD_HEADER_BYTES; i++) {
    if (bytes[i] !== 0) throw new ShardFormatError(file, 'header', `padding byte ${i} is not zero`);
  }
  let meta: ShardMeta = {};
  if (metaLen > 0) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(META_OFFSET, META_OFFSET + metaLen)));
    } catch (e) {
      throw new ShardFormatError(file, 'meta', `metadata is not valid UTF-8 JSON (${(e as Error).message})`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ShardFormatError(file, 'meta', 'metadata is not a JSON object');
    meta = parsed as ShardMeta;
  }
  const kind = meta.kind ?? (bytesPerId === 1 ? 'mask' : 'ids');
  if (kind === 'mask' ? bytesPerId !== 1 : bytesPerId !== bytesPerIdFor(vocabSize)) {
    throw new ShardFormatError(file, 'bytesPerId', `${bytesPerId} does not fit a ${kind} shard of vocabSize ${vocabSize} (expected ${kind === 'mask' ? 1 : bytesPerIdFor(vocabSize)})`);
  }
  if (opts.kind !== undefined && opts.kind !== kind) throw new ShardFormatError(file, 'kind', `the shard holds ${kind}, expected ${opts.kind}`);
  if (opts.vocabSize !== undefined && opts.vocabSize !== vocabSize) throw new ShardFormatError(file, 'vocabSize', `${vocabSize} does not match the expected ${opts.vocabSize}`);
  if (opts.count !== undefined && opts.count !== count) throw new ShardFormatError(file, 'count', `${count} tokens, expected ${opts.count}`);
  return { version, bytesPerId, vocabSize, count, meta: { ...meta, kind } };
}

/** Decode a whole shard file, checking the header, the body length, the checksum and the ids. */
export function decodeShard(bytes: Uint8Array, opts: DecodeShardOptions = {}): DecodedShard {
  const file = opts.file ?? 'shard';
  const header = decodeShardHeader(bytes, opts);
  const want = SHARD_HEADER_BYTES + header.count * header.bytesPerId;
  if (bytes.length < want) throw new ShardFormatError(file, 'body', `truncated: ${bytes.length - SHARD_HEADER_BYTES} bytes for ${header.count} tokens of ${header.bytesPerId} bytes`);
  if (bytes.length > want) throw new ShardFormatError(file, 'body', `${bytes.length - want} bytes after the ${header.count} tokens the header announces`);
  const body = bytes.subarray(SHARD_HEADER_BYTES);
  if (opts.verifyChecksum !== false && typeof header.meta.crc32 === 'number') {
    const c = crc32(body);
    if (c !== header.meta.crc32) throw new ShardFormatError(file, 'crc32', `body checksum ${c} does not match the header's ${header.meta.crc32} (corrupt file)`);
  }
  const values = viewBody(body, header.bytesPerId, header.count);
  if (opts.verifyIds !== false) {
    if (header.bytesPerId === 1) {
      for (let i = 0; i < values.length; i++) if (values[i] > 1) throw new ShardFormatError(file, `mask[${i}]`, `value ${values[i]} is not 0 or 1`);
    } else {
      const v = header.vocabSize;
      for (let i = 0; i < values.length; i++) if (values[i] >= v) throw new ShardFormatError(file, `ids[${i}]`, `id ${values[i]} is outside the vocabulary (0..${v - 1})`);
    }
  }
  return { header, values };
}

function viewBody(body: Uint8Array, bpi: number, count: number): Uint8Array | Uint16Array | Uint32Array {
  if (bpi === 1) return body;
  const aligned = body.byteOffset % bpi === 0;
  if (littleEndian && aligned) return bpi === 2 ? new Uint16Array(body.buffer, body.byteOffset, count) : new Uint32Array(body.buffer, body.byteOffset, count);
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out = bpi === 2 ? new Uint16Array(count) : new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = bpi === 2 ? dv.getUint16(2 * i, true) : dv.getUint32(4 * i, true);
  return out;
}

/** Ids of a decoded shard as a Uint32Array (copies). */
export function shardIds(shard: DecodedShard): Uint32Array {
  return shard.values instanceof Uint32Array ? shard.values.slice() : Uint32Array.from(shard.values);
}
