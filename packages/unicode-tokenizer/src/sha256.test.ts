// The portable SHA-256 (whole or incremental, any chunking) equals node:crypto's on seeded random inputs of every
// length around the block and padding boundaries, and on a few MB.
import { expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { Sha256, sha256Hex, sha256String } from './index.js';
import { rng } from './testing/random-text.js';

const nodeHex = (d: Uint8Array) => createHash('sha256').update(d).digest('hex');

test('equals node:crypto for lengths 0..300 and 3 MB, whole and in random chunks', () => {
  const r = rng(256);
  const inputs = [...Array.from({ length: 301 }, (_, n) => n), 3_000_017].map((n) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256)));
  for (const d of inputs) {
    const want = nodeHex(d);
    expect(sha256Hex(d), `length ${d.length}`).toBe(want);
    const h = new Sha256();
    for (let i = 0; i < d.length;) { const k = Math.min(d.length - i, Math.floor(r() * (r() < 0.5 ? 80 : 5000))); h.update(d.subarray(i, i + k)); i += k; }
    expect(h.digestHex(), `length ${d.length}, chunked`).toBe(want);
  }
  expect(sha256String('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const done = new Sha256();
  done.digestHex();
  expect(() => done.update(new Uint8Array(1))).toThrow(/update after digestHex/);
  expect(() => done.digestHex()).toThrow(/digestHex called twice/);
});
