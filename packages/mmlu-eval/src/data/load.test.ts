// Tests of loadMMLU(): the bundled copy (counts, order, provenance, parity with ../shared's CSVs), bundle bytes,
// in-memory sources and validation errors.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeBundle, decodeBundle } from './bundle.js';
import { loadMMLU } from './load.js';
import { MMLU_SUBJECTS } from './subjects.js';
import { mmluFromCsvFiles } from './hendrycks.js';

const SHARED = join(__dirname, '../../../../../shared/data/mmlu');

describe('loadMMLU() bundled', () => {
  it('has the pre-release counts, the 57 subjects and says where it came from', async () => {
    const d = await loadMMLU();
    expect(d.subjects).toEqual(MMLU_SUBJECTS);
    expect([d.dev.length, d.val.length, d.test.length]).toEqual([285, 1542, 14079]);
    expect(d.source).toMatch(/hendrycks\/test pre-release/);
    expect(d.source).toMatch(/14,079 test rows/);
    expect(d.test.filter((it) => it.subject === 'machine_learning').length).toBe(105);
    expect(d.test[0]).toEqual({ subject: 'abstract_algebra', index: 0, question: 'Find the degree for the given field extension Q(sqrt(2), sqrt(3), sqrt(18)) over Q.', choices: ['0', '4', '2', '6'], answer: 1 });
    // index = 0-based row, file order, subjects grouped
    let prev = '';
    let next = 0;
    for (const it of d.test) {
      if (it.subject !== prev) { prev = it.subject; next = 0; }
      expect(it.index).toBe(next++);
    }
    expect(Object.isFrozen(d.test[5])).toBe(true);
    expect(await loadMMLU()).toBe(d);
  });

  it.skipIf(!existsSync(SHARED))('equals a fresh parse of ../shared/data/mmlu', async () => {
    const files: Record<string, string> = {};
    for (const split of ['dev', 'val', 'test']) for (const f of readdirSync(join(SHARED, split))) files[`${split}/${f}`] = readFileSync(join(SHARED, split, f), 'utf8');
    const fresh = mmluFromCsvFiles(files, { source: 'shared' });
    const d = await loadMMLU();
    for (const split of ['dev', 'val', 'test'] as const) expect(d[split]).toEqual(fresh[split]);
  });
  if (!existsSync(SHARED)) console.log(`load.test: ${SHARED} absent, parity with the shared CSVs skipped`);
});

describe('loadMMLU(source)', () => {
  const ds = {
    name: 'mmlu', source: 'mine', subjects: ['s'],
    dev: [{ subject: 's', index: 0, question: 'd?', choices: ['a', 'b', 'c', 'd'], answer: 2 }],
    val: [], test: [{ subject: 's', index: 0, question: 't?', choices: ['a', 'b', 'c', 'd'], answer: 3 }],
  };

  it('round-trips bundle bytes and reads CSV texts', async () => {
    const bytes = encodeBundle(ds, { license: 'MIT' });
    const back = await loadMMLU({ bundle: bytes });
    expect(back.test).toEqual(ds.test);
    expect(decodeBundle(bytes).license).toBe('MIT');
    const fromCsv = await loadMMLU({ csv: { 'dev/s_dev.csv': 'd?,a,b,c,d,C\n', 'val/s_val.csv': 'v,a,b,c,d,A\n', 'test/s_test.csv': 't?,a,b,c,d,D\n' } });
    expect(fromCsv.test).toEqual(ds.test);
  });

  it('validates in-memory items, naming split, position and field', async () => {
    await expect(loadMMLU(ds)).resolves.toBe(ds);
    await expect(loadMMLU({ ...ds, test: [{ ...ds.test[0], answer: 4 }] })).rejects.toThrow('mine: test[0], field answer: answer must be an integer in 0..3, got 4');
    await expect(loadMMLU({ ...ds, test: [{ ...ds.test[0], subject: 'x' }] })).rejects.toThrow("subject 'x' is not in the dataset's subjects");
    await expect(loadMMLU({ ...ds, test: [ds.test[0], ds.test[0]] })).rejects.toThrow('mine: test[1], field index: duplicate item');
  });

  it('accepts a bundle already decompressed (Content-Encoding: gzip on the way) and rejects other bytes', async () => {
    const { gunzipSync } = await import('fflate');
    expect((await loadMMLU({ bundle: gunzipSync(encodeBundle(ds, { license: 'MIT' })) })).test).toEqual(ds.test);
    await expect(loadMMLU({ bundle: new Uint8Array([1, 2, 3]), name: 'x.json.gz' })).rejects.toThrow(/^x\.json\.gz: not a gzip'd JSON bundle/);
    await expect(loadMMLU({ bundle: new Uint8Array([0x1f, 0x8b, 3]), name: 'y.json.gz' })).rejects.toThrow(/^y\.json\.gz: not a gzip'd JSON bundle/);
    await expect(loadMMLU({ bundle: new TextEncoder().encode('{"schema":"other"}'), name: 'z' })).rejects.toThrow('z, field schema: unknown bundle schema "other"');
  });
});
