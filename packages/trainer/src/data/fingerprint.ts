// The corpus fingerprint: SHA-256 hex of a small text header, the train and val ids as the shard files store them
// (little-endian uint16 when vocabSize <= 65,536, else uint32) and the masks, so a checkpoint can tell whether it
// is resumed on the same data. Python reproduces it from arrays or straight from shard bodies:
//   hashlib.sha256(header + train.astype(dt).tobytes() + val.astype(dt).tobytes() [+ trainMask + valMask])
// with dt = '<u2' or '<u4' and header = f"glyphlm-corpus/1 vocab={vocabSize} train={len(train)} val={len(val)} masks={0|1}\n".
import { sha256Hex } from '@glyphlm/unicode-tokenizer';

export interface FingerprintInput {
  train: Uint32Array;
  val: Uint32Array;
  vocabSize: number;
  trainMask?: Uint8Array;
  valMask?: Uint8Array;
}

/** Hashes the concatenation of byte parts to lowercase SHA-256 hex (Node passes one over node:crypto). */
export type HashParts = (parts: Uint8Array[]) => string;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Ids as little-endian uint16 (vocabSize <= 65,536) or uint32 bytes: the shard body encoding. */
function idBytes(a: Uint32Array, vocabSize: number): Uint8Array {
  if (vocabSize <= 65536) {
    const u16 = new Uint16Array(a);
    if (littleEndian) return new Uint8Array(u16.buffer);
    const out = new Uint8Array(a.length * 2);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < a.length; i++) dv.setUint16(i * 2, a[i], true);
    return out;
  }
  if (littleEndian) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) dv.setUint32(i * 4, a[i], true);
  return out;
}

/** The byte parts the fingerprint hashes, in order. */
export function fingerprintParts(d: FingerprintInput): Uint8Array[] {
  const masks = d.trainMask !== undefined || d.valMask !== undefined;
  const header = `glyphlm-corpus/1 vocab=${d.vocabSize} train=${d.train.length} val=${d.val.length} masks=${masks ? 1 : 0}\n`;
  const parts = [new TextEncoder().encode(header), idBytes(d.train, d.vocabSize), idBytes(d.val, d.vocabSize)];
  if (masks) {
    parts.push(d.trainMask ?? new Uint8Array(d.train.length).fill(1));
    parts.push(d.valMask ?? new Uint8Array(d.val.length).fill(1));
  }
  return parts;
}

/** Concatenate and hash with the package's portable SHA-256. */
export const sha256Parts: HashParts = (parts) => {
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return sha256Hex(all);
};

/** SHA-256 hex fingerprint of a corpus's ids and masks (see the file header for the exact bytes). */
export function corpusFingerprint(d: FingerprintInput, hash: HashParts = sha256Parts): string {
  return hash(fingerprintParts(d));
}
