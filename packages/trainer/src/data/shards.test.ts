// Shard bytes: round trips (uint16, uint32, masks) and strict errors for every kind of damage: bad magic,
// truncation, trailing bytes, flipped bytes anywhere (header fields, padding, body via CRC-32), vocab/count/kind
// mismatches. The header layout is also checked field by field against SPECS.md.
import { describe, expect, test } from 'vitest';
import { bytesPerIdFor, decodeShard, decodeShardHeader, encodeShard, shardIds, ShardFormatError, SHARD_HEADER_BYTES } from './shards.js';
import { crc32 } from './crc32.js';
import { mulberry32 } from './testing.js';

function ids(n: number, vocab: number, seed: number): Uint32Array {
  const r = mulberry32(seed);
  return Uint32Array.from({ length: n }, () => Math.floor(r() * vocab));
}

describe('shards', () => {
  test('header layout of SPECS.md, uint16 ids at byte 1024', () => {
    const v = ids(1000, 65536, 1);
    const b = encodeShard(v, { vocabSize: 65536, meta: { split: 'train', index: 0, count: 1 } });
    const dv = new DataView(b.buffer);
    expect(new TextDecoder().decode(b.subarray(0, 4))).toBe('GLM1');
    expect([dv.getInt32(4, true), dv.getInt32(8, true), dv.getInt32(12, true), dv.getUint32(16, true), dv.getUint32(20, true)]).toEqual([1, 2, 65536, 1000, 0]);
    const n = dv.getInt32(24, true);
    expect(JSON.parse(new TextDecoder().decode(b.subarray(32, 32 + n)))).toEqual({ split: 'train', index: 0, count: 1, crc32: crc32(b.subarray(1024)) });
    expect(b.length).toBe(1024 + 2000);
    expect(Array.from(new Uint16Array(b.buffer, 1024, 1000))).toEqual(Array.from(v));
    expect(bytesPerIdFor(65536)).toBe(2);
    expect(bytesPerIdFor(65537)).toBe(4);
  });

  test('CRC-32 is zlib\'s', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  test('round trips: uint16, uint32, masks, empty', () => {
    for (const [vocab, n] of [[50257, 3000], [65536, 10], [131072, 5000], [7, 0]] as const) {
      const v = ids(n, vocab, vocab);
      const s = decodeShard(encodeShard(v, { vocabSize: vocab }), { vocabSize: vocab, count: n });
      expect(s.header.bytesPerId).toBe(bytesPerIdFor(vocab));
      expect(shardIds(s)).toEqual(v);
    }
    const mask = Uint8Array.from(ids(777, 2, 5));
    const m = decodeShard(encodeShard(mask, { vocabSize: 65536, meta: { kind: 'mask' } }), { kind: 'mask' });
    expect(m.header.bytesPerId).toBe(1);
    expect(m.values).toEqual(mask);
  });

  test('errors name the file and field', () => {
    const good = encodeShard(ids(100, 1000, 3), { vocabSize: 1000, meta: { split: 'val' } });
    const f = { file: 'val-00000.bin' };
    const bad = (mut: (b: Uint8Array) => Uint8Array, re: RegExp | string, opts = {}) =>
      expect(() => decodeShard(mut(good.slice()), { ...f, ...opts })).toThrow(re);
    bad((b) => { b[0] = 0x58; return b; }, /^val-00000\.bin: magic: 0x314d4c58 is not a glyphlm shard/);
    bad((b) => b.subarray(0, 500), 'val-00000.bin: header: truncated: 500 bytes, a header needs 1024');
    bad((b) => b.subarray(0, b.length - 1), 'val-00000.bin: body: truncated: 199 bytes for 100 tokens of 2 bytes');
    bad((b) => { const c = new Uint8Array(b.length + 2); c.set(b); return c; }, 'val-00000.bin: body: 2 bytes after the 100 tokens');
    bad((b) => { b[1024 + 7] ^= 1; return b; }, /val-00000\.bin: crc32: body checksum \d+ does not match/);
    bad((b) => { b[4] = 2; return b; }, 'val-00000.bin: version: 2 is not supported');
    bad((b) => { b[8] = 4; return b; }, /bytesPerId: 4 does not fit a ids shard of vocabSize 1000/);
    bad((b) => { b[900] = 1; return b; }, 'val-00000.bin: header: padding byte 900 is not zero');
    bad((b) => b, 'val-00000.bin: vocabSize: 1000 does not match the expected 65536', { vocabSize: 65536 });
    bad((b) => b, 'val-00000.bin: count: 100 tokens, expected 99', { count: 99 });
    bad((b) => b, 'val-00000.bin: kind: the shard holds ids, expected mask', { kind: 'mask' });
    bad((b) => { b[32] = 0x7b; b[33] = 0x7b; return b; }, /val-00000\.bin: meta: metadata is not valid UTF-8 JSON/);
    // an id >= vocabSize in a body whose checksum was recomputed
    const over = encodeShard(new Uint32Array([1, 2, 3]), { vocabSize: 1000 });
    new DataView(over.buffer).setUint16(1024 + 2, 1500, true);
    expect(() => decodeShard(over, { ...f, verifyChecksum: false })).toThrow('val-00000.bin: ids[1]: id 1500 is outside the vocabulary (0..999)');
    expect(() => encodeShard([1, 5000], { vocabSize: 1000, file: 'x.bin' })).toThrow('x.bin: ids[1]: id 5000 is outside the vocabulary (0..999)');
    expect(() => decodeShard(good, f)).not.toThrow();
    expect(() => decodeShard(good, f)).not.toThrow(ShardFormatError);
  });

  test('every single-byte flip is an error, except inside metadata strings, where the metadata then differs', () => {
    const v = ids(300, 65536, 9);
    const good = encodeShard(v, { vocabSize: 65536, meta: { split: 'train', index: 2, count: 5, tokenizer: 'bvv241-2-3' } });
    const meta = decodeShardHeader(good).meta;
    const r = mulberry32(17);
    let errors = 0;
    for (let k = 0; k < 600; k++) {
      const pos = k < 40 ? k : k < 300 ? Math.floor(r() * SHARD_HEADER_BYTES) : SHARD_HEADER_BYTES + Math.floor(r() * 600);
      const b = good.slice();
      b[pos] ^= 1 << Math.floor(r() * 8);
      let decoded: ReturnType<typeof decodeShard> | null = null;
      try { decoded = decodeShard(b, { file: 'train-00002.bin' }); } catch (e) { expect((e as Error).message).toMatch(/^train-00002\.bin: /); errors++; }
      if (decoded) {
        expect(pos).toBeGreaterThanOrEqual(32);
        expect(pos).toBeLessThan(SHARD_HEADER_BYTES);
        expect(decoded.header.meta).not.toEqual(meta);
      }
    }
    expect(errors).toBeGreaterThan(500);
  });
});
