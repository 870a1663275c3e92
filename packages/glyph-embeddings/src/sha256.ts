// The package's one SHA-256: hex digests through Web Crypto (crypto.subtle, in Node >= 20 and every browser), for
// font hashes, tokenizer fingerprints of word lists, cache keys and entry checksums, and the parity digests.

/** SHA-256 hex digest (Web Crypto; Node >= 20 and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (const b of d) s += b.toString(16).padStart(2, '0');
  return s;
}
