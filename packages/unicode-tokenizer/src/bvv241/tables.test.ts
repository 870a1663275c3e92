// A tokenizer built from another thread's encoding tables (what tokenizing worker threads receive) encodes
// exactly as one that built its own; wrong tables are errors naming the field.
import { describe, expect, test, vi } from 'vitest';
import { bvv241 } from '../index.js';
import { randomCodeUnits, randomText, rng } from '../testing/random-text.js';
import { udhrTexts } from '../testing/udhr.js';

describe.each(['2-3', 'max'] as const)('bvv241-%s from encodingTables()', (variant) => {
  test('same ids as the tokenizer that built its tables, same merges, HF JSON and fingerprint', async () => {
    const own = bvv241(variant);
    const tables = structuredClone(own.encodingTables()); // as postMessage delivers them
    vi.resetModules(); // a fresh module instance has no tables yet, like a new worker thread
    const fresh = await import('../index.js');
    const fromTables = fresh.bvv241(variant, { tables });
    const lossless = fresh.bvv241(variant, { lossless: true, tables });
    const ownLossless = bvv241(variant, { lossless: true });
    const r = rng(variant === '2-3' ? 41 : 42);
    const texts = [
      ...udhrTexts(['en', 'ru', 'zh', 'ar', 'hi', 'ko', 'vi']).map((u) => u.text),
      ...Array.from({ length: 200 }, () => randomText(r)),
      ...Array.from({ length: 200 }, () => randomCodeUnits(r, 200)),
      'a'.repeat(3000), 'ab'.repeat(700),
    ];
    for (const [k, s] of texts.entries()) {
      expect([...fromTables.encode(s)], `text ${k}`).toEqual([...own.encode(s)]);
      expect([...lossless.encode(s)], `text ${k} lossless`).toEqual([...ownLossless.encode(s)]);
    }
    expect(fromTables.merges()).toEqual(own.merges());
    expect(fromTables.fingerprint).toBe(own.fingerprint);
    if (variant === '2-3') expect(fromTables.toHuggingFaceJSON()).toBe(own.toHuggingFaceJSON());
  });
});

test('wrong tables are errors naming the field', async () => {
  const good = bvv241('2-3').encodingTables();
  const attempt = async (t: unknown) => {
    vi.resetModules();
    const fresh = await import('../index.js');
    return () => fresh.bvv241('2-3', { tables: t as never });
  };
  expect(await attempt({ ...good, variant: 'max' })).toThrow(/options\.tables\.variant is "max", not "2-3"/);
  expect(await attempt({ ...good, mergeable: new Uint8Array(5) })).toThrow(/options\.tables\.mergeable/);
  const marksSurrogate = good.mergeable.slice(); marksSurrogate[0xd800] = 1;
  expect(await attempt({ ...good, mergeable: marksSurrogate })).toThrow(/options\.tables\.mergeable marks U\+D800, which is no token/);
  expect(await attempt({ ...good, mergeEntries: new Int32Array(12) })).toThrow(/not 4 times a power of two/);
  expect(await attempt({ ...good, mergeCount: 3 })).toThrow(/options\.tables\.mergeEntries hold 12224 pairs, more than mergeCount 3/);
  expect(await attempt({ ...good, innerPairs: new Int32Array(3) })).toThrow(/PairSet\.fromSlots: 3 slots/);
  expect(await attempt('tables')).toThrow(/options\.tables must be the object encodingTables\(\) returns/);
});
