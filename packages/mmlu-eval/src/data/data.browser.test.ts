// The browser-safe data, statistics and report layers in real chromium: the bundled MMLU fetched next to the
// module, CSV text and parquet bytes in memory, a summary, a paired comparison and the SVG chart.
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadMMLU } from './load.js';
import { MMLU_SUBJECTS } from './subjects.js';
import { summarizeAccuracy } from '../stats/summarize.js';
import { compareModels } from '../stats/compare.js';
import { accuracyChartSvg } from '../report/svg.js';
import type { EvalResult, ItemResult } from '../protocols/types.js';

describe('data layer in the browser', () => {
  it('fetches and decodes the bundled MMLU', async () => {
    const d = await loadMMLU();
    expect(d.subjects).toEqual(MMLU_SUBJECTS);
    expect([d.dev.length, d.val.length, d.test.length]).toEqual([285, 1542, 14079]);
    expect(d.test[0].choices).toEqual(['0', '4', '2', '6']);
  });

  it('reads CSV texts and parquet bytes given in memory', async () => {
    const csv = await loadMMLU({ csv: { 'dev/s_dev.csv': 'd,a,b,c,d,A\r\n', 'val/s_val.csv': '"v\nv",a,b,c,d,B\n', 'test/s_test.csv': 't,a,"b,b",c,d,D\n' } });
    expect(csv.test[0]).toEqual({ subject: 's', index: 0, question: 't', choices: ['a', 'b,b', 'c', 'd'], answer: 3 });
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'question', data: ['q'] }, { name: 'subject', data: ['s'] }, { name: 'choices', data: [['1', '2', '3', '4']] }, { name: 'answer', data: [2n] },
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
    const pq = await loadMMLU({ parquet: { 'test-00000-of-00001.parquet': bytes }, name: 'mem' }).catch((e: Error) => e);
    expect(String(pq)).toContain("mem: split 'dev' is empty");
  });

  it('summarises, compares and charts', async () => {
    const d = await loadMMLU();
    const items = (k: number): ItemResult[] => d.test.map((it, i) => ({ subject: it.subject, index: it.index, gold: it.answer, pred: i % k === 0 ? it.answer : (it.answer + 1) % 4 }));
    const a = summarizeAccuracy(items(3), { subjects: d.subjects });
    expect(a.n).toBe(14079);
    expect(a.micro).toBeCloseTo(Math.ceil(14079 / 3) / 14079, 12);
    const c = compareModels({ items: items(3) }, { items: items(4) });
    expect(c.ci95[0]).toBeLessThan(c.diff);
    const r = { model: { fingerprint: 'x', name: 'm' }, protocol: 'harness', shots: 5, accuracy: a } as unknown as EvalResult;
    const svg = accuracyChartSvg([r]);
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.querySelector('parsererror')).toBeNull();
    expect(doc.querySelectorAll('rect.bar').length).toBe(5);
  });
});
