// safetensors (https://github.com/huggingface/safetensors) read/write:
//   [u64 LE header length N][N bytes of UTF-8 JSON header, space-padded][data section]
// The header maps tensor names to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the data
// section) plus an optional "__metadata__" string->string map. Readers here validate everything before
// touching the data: no out-of-range read is possible, and every failure is a TensorIOError naming the field.
import { TensorIOError } from './errors.js';
import { type DType, isDType, itemSize, shapeSize } from './dtype.js';
import { type TensorInput, type TensorView, makeView, tensorBytes } from './tensor.js';

/** Headers larger than this are rejected (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's header entry; `begin`/`end` are offsets into the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** The parsed, validated header. `dataOffset` = 8 + headerLength is where the data section starts. */
export interface SafetensorsHeader {
  headerLength: number;
  dataOffset: number;
  /** Total bytes of the data section the header describes (= max end offset). */
  dataLength: number;
  /** dataOffset + dataLength: the whole file's size. */
  fileSize: number;
  metadata: Record<string, string>;
  /** Entries in data order (ascending begin). */
  entries: SafetensorsEntry[];
}

export interface ReadOptions {
  /** Label used in error messages (file path, URL). Default "bytes". */
  source?: string;
}

export interface HeaderOptions extends ReadOptions {
  /** The total file size, when known (e.g. Content-Length): the header must describe exactly this many bytes. */
  fileSize?: number;
}

function u64le(b: Uint8Array, source: string): number {
  const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
  if (hi >= 0x200000) throw new TensorIOError(source, 'header length', 'header length does not fit in 2^53');
  return hi * 0x1_0000_0000 + lo;
}

/**
 * From the first 8 bytes of a file: how many bytes (8 + header length) must be read to parse the header.
 * Validates the length against MAX_HEADER_BYTES and, when given, the file size.
 */
export function safetensorsHeaderSize(prefix: Uint8Array, opts: HeaderOptions = {}): number {
  const source = opts.source ?? 'bytes';
  if (prefix.length < 8) {
    throw new TensorIOError(source, 'header length', `file has ${prefix.length} bytes, fewer than the 8-byte header length`);
  }
  const n = u64le(prefix, source);
  if (n < 2) throw new TensorIOError(source, 'header length', `header length ${n} is too small for a JSON object`);
  if (n > MAX_HEADER_BYTES) throw new TensorIOError(source, 'header length', `header length ${n} exceeds ${MAX_HEADER_BYTES}`);
  if (opts.fileSize !== undefined && 8 + n > opts.fileSize) {
    throw new TensorIOError(source, 'header length', `header length ${n} runs past the end of the file (${opts.fileSize} bytes)`);
  }
  return 8 + n;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates the header from a prefix of the file that holds at least the header (see
 * safetensorsHeaderSize). With `fileSize`, also checks the data section covers exactly the rest of the file.
 */
export function readSafetensorsHeader(prefix: Uint8Array, opts: HeaderOptions = {}): SafetensorsHeader {
  const source = opts.source ?? 'bytes';
  const need = safetensorsHeaderSize(prefix, opts);
  const headerLength = need - 8;
  if (prefix.length < need) {
    throw new TensorIOError(source, 'header length',
      `header length ${headerLength} runs past the end of the ${prefix.length} bytes available`);
  }
  let text: string;
  try {
    text = decoder.decode(prefix.subarray(8, need));
  } catch {
    throw new TensorIOError(source, 'header', 'header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw new TensorIOError(source, 'header', 'header does not start with "{"');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TensorIOError(source, 'header', `header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new TensorIOError(source, 'header', 'header is not a JSON object');
  }
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new TensorIOError(source, '__metadata__', 'is not an object of strings');
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new TensorIOError(source, `__metadata__.${k}`, `value is a ${typeof v}, not a string`);
        metadata[k] = v;
      }
      continue;
    }
    entries.push(parseEntry(name, value, source));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of entries) {
    if (e.begin < pos) {
      const prev = entries.find((p) => p !== e && p.end > e.begin && p.begin <= e.begin);
      throw new TensorIOError(source, e.name,
        `data_offsets [${e.begin}, ${e.end}] overlap ${prev ? `tensor "${prev.name}" [${prev.begin}, ${prev.end}]` : 'another tensor'}`);
    }
    if (e.begin > pos) {
      throw new TensorIOError(source, e.name, `data_offsets [${e.begin}, ${e.end}] leave a gap: bytes ${pos}..${e.begin} belong to no tensor`);
    }
    pos = e.end;
  }
  const dataLength = pos;
  const fileSize = need + dataLength;
  if (opts.fileSize !== undefined && fileSize !== opts.fileSize) {
    const last = entries[entries.length - 1];
    if (fileSize > opts.fileSize) {
      throw new TensorIOError(source, last?.name ?? 'data_offsets',
        `data_offsets end at ${dataLength}, past the data section's ${opts.fileSize - need} bytes (file truncated?)`);
    }
    throw new TensorIOError(source, 'data_offsets',
      `tensors cover ${dataLength} bytes but the data section has ${opts.fileSize - need} (trailing bytes)`);
  }
  return { headerLength, dataOffset: need, dataLength, fileSize, metadata, entries };
}

function parseEntry(name: string, value: unknown, source: string): SafetensorsEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TensorIOError(source, name, 'header entry is not an object');
  }
  const v = value as Record<string, unknown>;
  if (!isDType(v.dtype)) throw new TensorIOError(source, `${name}.dtype`, `unknown dtype ${JSON.stringify(v.dtype)}`);
  const dtype = v.dtype;
  if (!Array.isArray(v.shape)) throw new TensorIOError(source, `${name}.shape`, 'shape is not an array');
  const shape = v.shape as unknown[];
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new TensorIOError(source, `${name}.shape`, `shape ${JSON.stringify(shape)} has an invalid dimension`);
    }
  }
  const offs = v.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    throw new TensorIOError(source, `${name}.data_offsets`, `data_offsets ${JSON.stringify(offs)} is not [begin, end] of non-negative integers`);
  }
  const [begin, end] = offs as number[];
  if (end < begin) throw new TensorIOError(source, `${name}.data_offsets`, `end ${end} is before begin ${begin}`);
  const n = shapeSize(shape as number[], source, `${name}.shape`);
  const want = n * itemSize(dtype);
  if (end - begin !== want) {
    throw new TensorIOError(source, name,
      `shape ${JSON.stringify(shape)} x ${itemSize(dtype)} bytes (${dtype}) = ${want} bytes, but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/** A parsed file: metadata and tensors by name (in data order). Tensor bytes are views into the input. */
export interface Safetensors {
  metadata: Record<string, string>;
  tensors: Map<string, TensorView>;
  header: SafetensorsHeader;
}

/** Parses a whole safetensors file held in memory. The file must be exactly header + data. */
export function readSafetensors(bytes: Uint8Array, opts: ReadOptions = {}): Safetensors {
  const header = readSafetensorsHeader(bytes, { source: opts.source, fileSize: bytes.length });
  const tensors = new Map<string, TensorView>();
  const base = header.dataOffset;
  for (const e of header.entries) {
    tensors.set(e.name, makeView(e.dtype, e.shape, bytes.subarray(base + e.begin, base + e.end)));
  }
  return { metadata: header.metadata, tensors, header };
}

export interface WriteOptions {
  /** Label used in error messages. Default "safetensors". */
  source?: string;
}

/**
 * Serialises tensors (and optional `__metadata__`) to safetensors bytes. Tensors are laid out by descending
 * item size, then in the given order, and the header is space-padded to a multiple of 8 bytes, so every tensor
 * starts aligned to its element size. The JSON header lists `__metadata__` first, then tensors in data order.
 */
export function writeSafetensors(
  tensors: Record<string, TensorInput> | Map<string, TensorInput>,
  metadata?: Record<string, string>,
  opts: WriteOptions = {},
): Uint8Array {
  const source = opts.source ?? 'safetensors';
  const list = [...(tensors instanceof Map ? tensors.entries() : Object.entries(tensors))];
  const prepared = list.map(([name, t], i) => {
    if (name === '__metadata__') throw new TensorIOError(source, name, 'is reserved and cannot name a tensor');
    if (!t || !isDType(t.dtype)) throw new TensorIOError(source, name, `unknown dtype ${JSON.stringify(t?.dtype)}`);
    return { name, t, bytes: tensorBytes(t, source, name), i };
  });
  prepared.sort((a, b) => itemSize(b.t.dtype) - itemSize(a.t.dtype) || a.i - b.i);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TensorIOError(source, `__metadata__.${k}`, `value is a ${typeof v}, not a string`);
    }
    header.__metadata__ = metadata;
  }
  let pos = 0;
  for (const p of prepared) {
    header[p.name] = { dtype: p.t.dtype, shape: [...p.t.shape], data_offsets: [pos, pos + p.bytes.length] };
    pos += p.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + pos);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded % 0x1_0000_0000, true);
  dv.setUint32(4, Math.floor(padded / 0x1_0000_0000), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let off = 8 + padded;
  for (const p of prepared) {
    out.set(p.bytes, off);
    off += p.bytes.length;
  }
  return out;
}
