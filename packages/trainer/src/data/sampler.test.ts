// The sampler against an independent implementation of SPECS.md in Python (plain ints masked to 32 bits), and
// its invariants: rows inside the split, targets shifted by one, masks, eval/dropout seeds.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { dropoutSeed, evalBatches, evalSeed, hash32, rowOffset, sampleBatch, trainBatchIndex } from './sampler.js';

const PY = `
import json, math, sys
M = 0xFFFFFFFF
def h(x):
    x &= M
    x ^= x >> 16; x = (x * 0x7feb352d) & M
    x ^= x >> 15; x = (x * 0x846ca68b) & M
    x ^= x >> 16
    return x
def row_offset(seed, bi, row, n, T):
    k = h((seed & M) ^ 0x9E3779B9)
    k = h(k ^ (bi & M))
    a = h(k ^ (2 * row)); b = h(k ^ (2 * row + 1))
    u = (a * 2097152 + (b >> 11)) / 9007199254740992   # exact in a double
    return math.floor(u * (n - T))                      # the same IEEE double product as JS
cases = json.loads(sys.stdin.read())
out = {
  "hash": [h(x) for x in cases["hash"]],
  "rows": [row_offset(*c) for c in cases["rows"]],
  "dropout": [h(h((s & M) ^ 0x27d4eb2f) ^ (st * g + k)) for (s, st, k, g) in cases["dropout"]],
  "evalSeed": [((s & M) ^ 0x5bd1e995) for s in cases["evalSeed"]],
}
print(json.dumps(out))
`;

function python(input: unknown): { hash: number[]; rows: number[]; dropout: number[]; evalSeed: number[] } | null {
  try {
    return JSON.parse(execFileSync('python3', ['-c', PY], { input: JSON.stringify(input), encoding: 'utf8' }));
  } catch (e) {
    console.warn(`sampler.test: python3 unavailable (${(e as Error).message.split('\n')[0]}); golden comparison skipped`);
    return null;
  }
}

// Seeded case generator (a different mixer from the one under test).
function lcg(seed: number) {
  let s = BigInt(seed);
  return () => { s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn; return Number(s >> 32n); };
}

describe('sampler', () => {
  test('hash32 fixed values (computed by hand from the spec with BigInt)', () => {
    const ref = (x: number) => {
      const M = 0xffffffffn;
      let v = BigInt(x >>> 0);
      v ^= v >> 16n; v = (v * 0x7feb352dn) & M; v ^= v >> 15n; v = (v * 0x846ca68bn) & M; v ^= v >> 16n;
      return Number(v);
    };
    const rnd = lcg(7);
    for (let i = 0; i < 2000; i++) { const x = rnd(); expect(hash32(x)).toBe(ref(x)); }
    expect(hash32(0)).toBe(0);
    expect(hash32(1)).toBe(ref(1));
    expect(hash32(0xffffffff)).toBe(ref(0xffffffff));
  });

  test('matches the Python implementation on 3,000 seeded cases', () => {
    const rnd = lcg(42);
    const hashes = [0, 1, 2, 0x9e3779b9, 0xffffffff, ...Array.from({ length: 500 }, rnd)];
    const rows: number[][] = [];
    for (let i = 0; i < 2000; i++) {
      const T = 1 + (rnd() % 1024);
      const n = T + 1 + (i % 3 === 0 ? rnd() % 5 : i % 3 === 1 ? rnd() % 100_000 : rnd() * 500 + (rnd() % 1000));
      rows.push([rnd() % 5 === 0 ? 0xffffffff - (rnd() % 3) : rnd() % 1000, rnd() % 100_000, rnd() % 512, n, T]);
    }
    rows.push([1, 0, 0, 2, 1], [0, 0xffffffff, 1000, 2 ** 40, 256]);
    const dropout = Array.from({ length: 300 }, () => [rnd() % 100, rnd() % 10_000, rnd() % 8, 1 + (rnd() % 8)]);
    dropout.forEach((d) => { d[2] = d[2] % d[3]; });
    const seeds = [0, 1, 1337, 0xffffffff, ...Array.from({ length: 50 }, rnd)];
    const py = python({ hash: hashes, rows, dropout, evalSeed: seeds });
    if (!py) return;
    expect(hashes.map(hash32)).toEqual(py.hash);
    expect(rows.map(([s, b, r, n, T]) => rowOffset(s, b, r, n, T))).toEqual(py.rows);
    expect(dropout.map(([s, st, k, g]) => dropoutSeed(s, st, k, g))).toEqual(py.dropout);
    expect(seeds.map(evalSeed)).toEqual(py.evalSeed);
  });

  test('golden values the Python twin relies on', () => {
    expect([0, 1, 12345, 0xdeadbeef].map(hash32)).toEqual([0, 1753845952, 2435775735, 3861431939]);
    expect([0, 1, 2, 3].map((r) => rowOffset(1, 0, r, 1_000_000, 256))).toEqual([724582, 858045, 781414, 93177]);
    expect(dropoutSeed(1, 0, 0, 1)).toBe(3380152108);
  });

  test('sampleBatch: rows are windows of the split, targets shifted by one, masked targets -1', () => {
    const n = 5000;
    const split = new Uint32Array(n).map((_, i) => (i * 7919) % 65536);
    const mask = new Uint8Array(n).map((_, i) => (i % 5 === 0 ? 0 : 1));
    for (let bi = 0; bi < 20; bi++) {
      const b = sampleBatch(split, mask, { seed: 3, batchIndex: bi, batchSize: 4, blockSize: 64 });
      expect(b.B).toBe(4); expect(b.T).toBe(64);
      for (let r = 0; r < 4; r++) {
        const o = rowOffset(3, bi, r, n, 64);
        expect(o).toBeGreaterThanOrEqual(0); expect(o + 64).toBeLessThan(n);
        for (let t = 0; t < 64; t++) {
          expect(b.ids[r * 64 + t]).toBe(split[o + t]);
          expect(b.targets[r * 64 + t]).toBe(mask[o + t + 1] ? split[o + t + 1] : -1);
        }
      }
    }
    // the smallest split: n = T + 1 has exactly one window
    const tiny = sampleBatch(new Uint32Array([5, 6, 7]), undefined, { seed: 9, batchIndex: 4, batchSize: 2, blockSize: 2 });
    expect(Array.from(tiny.ids)).toEqual([5, 6, 5, 6]);
    expect(Array.from(tiny.targets)).toEqual([6, 7, 6, 7]);
  });

  test('train, eval and dropout indices follow the spec', () => {
    expect(trainBatchIndex(5, 2, 4)).toBe(22);
    const val = new Uint32Array(1000).map((_, i) => i);
    const ev = evalBatches(val, undefined, { seed: 11, count: 3, batchSize: 2, blockSize: 8 });
    expect(ev).toHaveLength(3);
    expect(ev[2]).toEqual(sampleBatch(val, undefined, { seed: (11 ^ 0x5bd1e995) >>> 0, batchIndex: 2, batchSize: 2, blockSize: 8 }));
    expect(dropoutSeed(7, 3, 1, 2)).toBe(hash32(hash32(7 ^ 0x27d4eb2f) ^ 7));
  });

  test('errors name the split and the sizes', () => {
    expect(() => sampleBatch(new Uint32Array(10), undefined, { seed: 1, batchIndex: 0, batchSize: 1, blockSize: 10, splitName: 'val split' }))
      .toThrow('val split has 10 tokens; one block of 10 needs at least 11');
    expect(() => sampleBatch(new Uint32Array(100), new Uint8Array(3), { seed: 1, batchIndex: 0, batchSize: 1, blockSize: 10 })).toThrow(/mask has 3 entries for 100 tokens/);
    expect(() => sampleBatch(new Uint32Array(100), undefined, { seed: 1, batchIndex: 0, batchSize: 0, blockSize: 10 })).toThrow(/batchSize/);
  });
});
