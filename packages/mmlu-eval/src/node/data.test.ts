// Node adapter, data part: loadMMLU(path) on a hendrycks CSV directory and on cais/mmlu parquet files written here
// with hyparquet-writer; ARC / CommonsenseQA from JSONL directories; errors name the file (and line).
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadMMLU } from '../data/load.js';
import { loadARCFromPath, loadCommonsenseQAFromPath, loadMMLUFromPath, loadMmluParquet } from './data.js';

const root = mkdtempSync(join(tmpdir(), 'mmlu-eval-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeCsvDir(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

interface Row { question: string; subject: string; choices: string[]; answer: number }

/** A parquet file in the cais/mmlu schema (question, subject, choices list<string>, answer int64). */
function mmluParquet(rows: Row[]): Uint8Array {
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'question', data: rows.map((r) => r.question) },
      { name: 'subject', data: rows.map((r) => r.subject) },
      { name: 'choices', data: rows.map((r) => r.choices) },
      { name: 'answer', data: rows.map((r) => BigInt(r.answer)) },
    ],
    schema: [
      { name: 'schema', num_children: 4 },
      { name: 'question', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'subject', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'choices', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'answer', type: 'INT64', repetition_type: 'OPTIONAL' },
    ],
  });
  return new Uint8Array(buf);
}

const row = (subject: string, question: string, answer: number): Row => ({ question, subject, choices: [`${question}-a`, `${question}-b`, `${question}-c`, `${question}-d`], answer });

describe('loadMMLU(path): hendrycks CSV directory', () => {
  const dir = writeCsvDir(join(root, 'csv'), {
    'dev/anatomy_dev.csv': 'Q d0,a,b,c,d,A\r\nQ d1,a,b,c,d,B\r\n',
    'val/anatomy_val.csv': '"Multi\nline",a,"b, c",c,d,C\n',
    'test/anatomy_test.csv': 'T0,a,b,c,d,D\nT1,a,b,c,d,A\n',
    'test/virology_test.csv': 'V0,a,b,c,d,B\n',
    'dev/virology_dev.csv': 'VD,a,b,c,d,A\n',
    'README.txt': 'ignored',
  });

  it('loads every split through the core entry point', async () => {
    const d = await loadMMLU(dir);
    expect(d.subjects).toEqual(['anatomy', 'virology']);
    expect(d.test.map((it) => `${it.subject}#${it.index}:${it.question}:${it.answer}`)).toEqual(['anatomy#0:T0:3', 'anatomy#1:T1:0', 'virology#0:V0:1']);
    expect(d.val[0].choices).toEqual(['a', 'b, c', 'c', 'd']);
    expect(d.source).toBe(`hendrycks CSV directory ${dir}`);
  });

  it('names the file and line of a bad row, an empty split, a missing directory', async () => {
    const bad = writeCsvDir(join(root, 'bad'), { 'dev/x_dev.csv': 'q,a,b,c,d,A\n', 'val/x_val.csv': 'q,a,b,c,d,A\n', 'test/x_test.csv': 'q,a,b,c,d,A\n"q\n2",a,b,c,d,F\n' });
    await expect(loadMMLU(bad)).rejects.toThrow(`${bad}/test/x_test.csv, line 2, field answer: answer must be one of A, B, C, D, got "F"`);
    const noVal = writeCsvDir(join(root, 'noval'), { 'dev/x_dev.csv': 'q,a,b,c,d,A\n', 'test/x_test.csv': 'q,a,b,c,d,A\n' });
    await expect(loadMMLU(noVal)).rejects.toThrow(`hendrycks CSV directory ${noVal}: split 'val' is empty`);
    await expect(loadMMLUFromPath(join(root, 'nope'))).rejects.toThrow(`${join(root, 'nope')}: cannot read MMLU source`);
  });
});

describe('loadMMLU(path): cais/mmlu parquet', () => {
  const dir = join(root, 'cais');
  mkdirSync(join(dir, 'all'), { recursive: true });
  mkdirSync(join(dir, 'anatomy'), { recursive: true });
  writeFileSync(join(dir, 'all/test-00000-of-00001.parquet'), mmluParquet([row('anatomy', 't0', 1), row('virology', 'v0', 2), row('anatomy', 't1', 3)]));
  writeFileSync(join(dir, 'all/validation-00000-of-00001.parquet'), mmluParquet([row('anatomy', 'val0', 0)]));
  writeFileSync(join(dir, 'all/dev-00000-of-00001.parquet'), mmluParquet([row('anatomy', 'd0', 0), row('virology', 'd1', 1)]));
  writeFileSync(join(dir, 'all/auxiliary_train-00000-of-00001.parquet'), mmluParquet([row('x', 'aux', 0)]));
  // a per-subject config beside `all` must not be read twice
  writeFileSync(join(dir, 'anatomy/test-00000-of-00001.parquet'), mmluParquet([row('anatomy', 't0', 1)]));

  it('reads the `all` config: splits by file name, per-subject index in file order, aux skipped', async () => {
    const d = await loadMMLU(dir);
    expect(d.subjects).toEqual(['anatomy', 'virology']);
    expect(d.test).toEqual([
      { subject: 'anatomy', index: 0, question: 't0', choices: ['t0-a', 't0-b', 't0-c', 't0-d'], answer: 1 },
      { subject: 'anatomy', index: 1, question: 't1', choices: ['t1-a', 't1-b', 't1-c', 't1-d'], answer: 3 },
      { subject: 'virology', index: 0, question: 'v0', choices: ['v0-a', 'v0-b', 'v0-c', 'v0-d'], answer: 2 },
    ]);
    expect([d.dev.length, d.val.length]).toEqual([2, 1]);
    expect(d.source).toBe(`cais/mmlu parquet ${dir}`);
  });

  it('reads one parquet file, also from bytes in memory', async () => {
    const one = await loadMmluParquet(join(dir, 'anatomy/test-00000-of-00001.parquet'));
    expect(one.test.length).toBe(1);
    const mem = await loadMMLU({ parquet: { 'test-00000-of-00001.parquet': mmluParquet([row('s', 'q', 2)]), 'dev.parquet': mmluParquet([row('s', 'd', 0)]), 'validation.parquet': mmluParquet([row('s', 'v', 0)]) } });
    expect(mem.test[0]).toEqual({ subject: 's', index: 0, question: 'q', choices: ['q-a', 'q-b', 'q-c', 'q-d'], answer: 2 });
  });

  it('names the file, row and field of a bad answer', async () => {
    const bad = join(root, 'badpq');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'test-00000-of-00001.parquet'), mmluParquet([row('s', 'q', 0), row('s', 'q2', 4)]));
    await expect(loadMMLU(join(bad, 'test-00000-of-00001.parquet'))).rejects.toThrow(`${join(bad, 'test-00000-of-00001.parquet')} row 1, field answer: answer must be 0..3, got 4`);
    await expect(loadMMLU({ parquet: { 'train.csv': new Uint8Array(4) } })).rejects.toThrow('train.csv: not a cais/mmlu parquet file name');
    await expect(loadMMLU({ parquet: { 'test.parquet': new Uint8Array([1, 2, 3, 4]) } })).rejects.toThrow(/^test\.parquet: cannot read parquet/);
  });
});

describe('ARC and CommonsenseQA from JSONL directories', () => {
  it('loads the splits and names the source', async () => {
    const dir = join(root, 'arc');
    mkdirSync(dir, { recursive: true });
    const r = { id: 'a1', question: 'q?', choices: { text: ['x', 'y', 'z', 'w'], label: ['A', 'B', 'C', 'D'] }, answerKey: 'B' };
    writeFileSync(join(dir, 'validation-00000-of-00001.jsonl'), `${JSON.stringify(r)}\n${JSON.stringify({ ...r, id: 'a2' })}\n`);
    const arc = await loadARCFromPath(dir, { subset: 'challenge' });
    expect(arc.val.map((it) => [it.id, it.index, it.answer])).toEqual([['a1', 0, 1], ['a2', 1, 1]]);
    expect(arc.source).toBe(`ARC-Challenge JSONL ${dir}`);
    const csqaDir = join(root, 'csqa');
    mkdirSync(csqaDir, { recursive: true });
    writeFileSync(join(csqaDir, 'validation.jsonl'), JSON.stringify({ id: 'c', question: 'q', question_concept: 'k', choices: { label: ['A', 'B', 'C', 'D', 'E'], text: ['1', '2', '3', '4', '5'] }, answerKey: 'E' }) + '\n');
    const csqa = await loadCommonsenseQAFromPath(csqaDir);
    expect(csqa.val[0].answer).toBe(4);
    await expect(loadARCFromPath(join(root, 'empty-nope'), { subset: 'easy' })).rejects.toThrow('empty-nope: cannot read');
  });
});
