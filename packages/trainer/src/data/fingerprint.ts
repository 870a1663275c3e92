// The corpus fingerprint: SHA-256 hex of a small text header, the train and val ids as the shard files store them
// (little-endian uint16 when vocabSize <= 65,536, else uint32) and the masks, so a checkpoint can tell whether it
// is resumed on the same data. Python reproduces it from arrays or straight from shard bodies:
//   hashlib.sha256(header + train.astype(dt).tobytes() + val.astype(dt).tobytes() [+ trainMask + valMask])
// with dt = '<u2' or '<u4' and header = f"glyphlm-corpus/1 vocab={vocabSize} train={len(train)} val={len(val)} masks={0|1}\n".
import { Sha256 } from '@glyphlm/unicode-tokenizer';

export interface FingerprintInput {
  train: Uint32Array;
  val: Uint32Array;
  vocabSize: number;
  trainMask?: Uint8Array;
  valMask?: Uint8Array;
}

/**
 * Hashes the concatenation of byte chunks to lowercase SHA-256 hex (Node passes one over node:crypto). A chunk is
 * valid only until the next one is taken (the uint16 conversion reuses one scratch buffer).
 */
export type HashParts = (parts: Iterable<Uint8Array>) => string;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const CHUNK = 1 << 18;

/** Ids as little-endian uint16 (vocabSize <= 65,536) or uint32 bytes, the shard body encoding, in chunks. */
function* idBytes(a: Uint32Array, vocabSize: number): Generator<Uint8Array> {
  const bpi = vocabSize <= 65536 ? 2 : 4;
  if (bpi === 4 && littleEndian) { yield new Uint8Array(a.buffer, a.byteOffset, a.byteLength); return; }
  const scratch = new Uint8Array(Math.min(a.length, CHUNK) * bpi);
  const u16 = new Uint16Array(scratch.buffer);
  const dv = new DataView(scratch.buffer);
  for (let from = 0; from < a.length; from += CHUNK) {
    const n = Math.min(CHUNK, a.length - from);
    if (bpi === 2 && littleEndian) u16.set(a.subarray(from, from + n));
    else for (let i = 0; i < n; i++) { if (bpi === 2) dv.setUint16(i * 2, a[from + i], true); else dv.setUint32(i * 4, a[from + i], true); }
    yield scratch.subarray(0, n * bpi);
  }
}

/** The byte chunks the fingerprint hashes, in order. */
export function* fingerprintParts(d: FingerprintInput): Generator<Uint8Array> {
  const masks = d.trainMask !== undefined || d.valMask !== undefined;
  yield new TextEncoder().encode(`glyphlm-corpus/1 vocab=${d.vocabSize} train=${d.train.length} val=${d.val.length} masks=${masks ? 1 : 0}\n`);
  yield* idBytes(d.train, d.vocabSize);
  yield* idBytes(d.val, d.vocabSize);
  if (masks) {
    yield d.trainMask ?? new Uint8Array(d.train.length).fill(1);
    yield d.valMask ?? new Uint8Array(d.val.length).fill(1);
  }
}

/** Hash the chunks as they come with the portable incremental SHA-256 (no concatenated copy). */
export const sha256Parts: HashParts = (parts) => {
  const h = new Sha256();
  for (const p of parts) h.update(p);
  return h.digestHex();
};

/** SHA-256 hex fingerprint of a corpus's ids and masks (see the file header for the exact bytes). */
export function corpusFingerprint(d: FingerprintInput, hash?: HashParts): string {
  return (hash ?? sha256Parts)(fingerprintParts(d));
}
