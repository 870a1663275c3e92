// Report files on disk: JSON round trip through a real file, markdown and SVG written beside it, no temp files
// left, errors naming the file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalResult, ItemResult } from '../protocols/types.js';
import { summarizeAccuracy } from '../stats/summarize.js';
import { readResultJson, writeReportFiles } from './data-report.js';

const root = mkdtempSync(join(tmpdir(), 'mmlu-eval-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function result(name: string, shift: number): EvalResult {
  const items: ItemResult[] = [];
  for (const subject of ['anatomy', 'philosophy']) for (let index = 0; index < 20; index++) items.push({ subject, index, gold: index % 4, pred: (index + shift) % 4 === index % 4 || index % 3 === 0 ? index % 4 : 0 });
  return {
    schema: 'glyphlm.mmlu-eval.result/1', protocol: 'cloze', dataset: 'mmlu', source: 'fixture', split: 'test', shots: 0, promptsHash: '0'.repeat(64),
    model: { fingerprint: name }, tokenizer: { name: 't', fingerprint: 't' }, options: {}, items, accuracy: summarizeAccuracy(items),
    counts: { items: 40, subjects: 2, truncated: 0, shotsReduced: 0 }, timing: { ms: 1, requests: 160, requestsPerSecond: 160 },
  };
}

describe('writeReportFiles', () => {
  it('writes JSON, markdown and SVG atomically and reads the JSON back', async () => {
    const dir = join(root, 'out');
    const rs = [result('a', 0), result('b', 1)];
    const files = await writeReportFiles(dir, rs);
    expect(readdirSync(dir).sort()).toEqual(['accuracy.svg', 'report.md', 'result-1.json', 'result-2.json']);
    expect(await readResultJson(files.json[1])).toEqual(JSON.parse(JSON.stringify(rs[1])));
    expect(readFileSync(files.markdown, 'utf8')).toContain('### Paired differences (same items)');
    expect(readFileSync(files.svg, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('names the file of a bad result and writes nothing for bad input', async () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...result('a', 0), protocol: 'mystery' }));
    await expect(readResultJson(bad)).rejects.toThrow(`${bad}, field protocol: expected harness, paper or cloze, got "mystery"`);
    await expect(readResultJson(join(root, 'none.json'))).rejects.toThrow('none.json: cannot read result');
    await expect(writeReportFiles(join(root, 'never'), [])).rejects.toThrow('no results');
    expect(readdirSync(root).includes('never')).toBe(false);
  });
});
