// Matrix cache: a key from tokenizer fingerprint + font hash(es) + recipe (+ options), values stored through an
// injectable byte store (Node: files via ./node's fileCacheStore; browsers: IndexedDB or anything with get/put).
// Every entry is framed with a magic, its length and a SHA-256 checksum, so a partly written or corrupt entry is
// never read back (it is treated as a miss).
import { sha256Hex } from './sha256.js';

/** A byte store. `get` returns undefined for a miss. Implementations should write atomically (temp + rename). */
export interface CacheStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Optional: remove a bad entry. */
  delete?(key: string): Promise<void>;
}

const MAGIC = [0x47, 0x4c, 0x4d, 0x43, 0x41, 0x43, 0x48, 0x31]; // "GLMCACH1"
const HEADER = 8 + 8 + 32;

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Frames a payload: magic, u64 length (LE), SHA-256 of the payload, payload. */
export async function frameCacheEntry(payload: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(HEADER + payload.length);
  out.set(MAGIC, 0);
  const dv = new DataView(out.buffer);
  dv.setUint32(8, payload.length % 2 ** 32, true);
  dv.setUint32(12, Math.floor(payload.length / 2 ** 32), true);
  out.set(hexToBytes(await sha256Hex(payload)), 16);
  out.set(payload, HEADER);
  return out;
}

/** Checks a framed entry; returns the payload or a reason it was rejected. */
export async function unframeCacheEntry(bytes: Uint8Array): Promise<{ payload?: Uint8Array; error?: string }> {
  if (bytes.length < HEADER) return { error: `entry is ${bytes.length} bytes, shorter than the ${HEADER}-byte frame header` };
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC[i]) return { error: 'bad magic' };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(8, true) + dv.getUint32(12, true) * 2 ** 32;
  if (len !== bytes.length - HEADER) return { error: `length field says ${len} payload bytes, entry holds ${bytes.length - HEADER}` };
  const payload = bytes.subarray(HEADER);
  const want = bytes.subarray(16, 48);
  const got = hexToBytes(await sha256Hex(payload));
  for (let i = 0; i < 32; i++) if (want[i] !== got[i]) return { error: 'checksum mismatch' };
  return { payload };
}

/** In-memory store (tests, browsers without persistence). */
export function memoryCacheStore(): CacheStore & { map: Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return {
    map,
    get: async (k) => map.get(k),
    put: async (k, b) => { map.set(k, b.slice()); },
    delete: async (k) => { map.delete(k); },
  };
}

/** Cache key (SHA-256 hex) for a build. */
export async function cacheKey(parts: Record<string, unknown>): Promise<string> {
  const canon = canonicalJson(parts);
  return sha256Hex(new TextEncoder().encode(canon));
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
