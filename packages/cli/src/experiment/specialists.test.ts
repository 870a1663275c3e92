// `glyphlm experiment --preset specialists-tiny` end to end (a real child process of dist/bin.js): report.json holds
// both validation sets (and their union) for each specialist and the fusion with t-based CIs recomputed here from the stored window
// losses, paired differences equal to the window-by-window differences, MMLU with CIs and paired comparisons; the
// two specialists share one vocabulary and the unchanged frozen table; the fused folder `glyphlm eval` reads
// reproduces the report's MMLU result item by item; `glyphlm report` re-renders it; flags the preset does not use
// are refused.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '@glyphlm/trainer';
import type { EvalResult } from '@glyphlm/mmlu-eval';
import { OUT, runGlyphlm, type RunResult } from '../../test/helpers.js';
import type { SpecialistsReport } from '../report/specialists-types.js';

const RUN = join(OUT, 'specialists-tiny');
let run: RunResult;
let report: SpecialistsReport;

beforeAll(async () => {
  rmSync(RUN, { recursive: true, force: true });
  run = await runGlyphlm(['experiment', '--preset', 'specialists-tiny', '-o', RUN]);
  if (run.code === 0) report = JSON.parse(readFileSync(join(RUN, 'report.json'), 'utf8')) as SpecialistsReport;
});

describe('glyphlm experiment --preset specialists-tiny', () => {
  it('finishes and writes report.json / .md / .html and the fused folder', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(join(RUN, 'report.html'));
    for (const f of ['report.json', 'report.md', 'report.html', 'fused/fused.json', 'fused/member-0/model.safetensors', 'fused/member-1/model.safetensors']) expect(existsSync(join(RUN, f)), f).toBe(true);
    expect(report.schema).toBe('glyphlm.specialists.report/1');
    const html = readFileSync(join(RUN, 'report.html'), 'utf8');
    for (const c of ['valLoss', 'mmlu', 'curves']) expect(html).toContain(`data-chart="${c}"`);
  });

  it('reports both validation sets for each specialist and the fusion, with CIs recomputed from the windows', () => {
    expect(report.setup.corpora.map((c) => [c.key, c.script])).toEqual([['latin', 'Latn'], ['cyrillic', 'Cyrl']]);
    expect(report.models.map((m) => [m.key, m.kind])).toEqual([['latin', 'specialist'], ['cyrillic', 'specialist'], ['fused', 'fusion']]);
    for (const m of report.models) {
      for (const c of report.setup.corpora) {
        const v = m.valLoss[c.key];
        expect(v.windows.length, `${m.key} on ${c.key}`).toBe(c.valWindows);
        expect(c.valWindows).toBeGreaterThanOrEqual(2);
        const s = summarize(v.windows);
        expect(v.mean).toBeCloseTo(s.mean, 12);
        expect(v.ci95).not.toBeNull();
        expect(v.ci95![0]).toBeCloseTo(s.ci95![0], 12);
        expect(v.ci95![1]).toBeCloseTo(s.ci95![1], 12);
      }
      const both = m.valLoss.both;
      expect(both.windows).toEqual([...m.valLoss.latin.windows, ...m.valLoss.cyrillic.windows]);
      expect(both.mean).toBeCloseTo(summarize(both.windows).mean, 12);
      expect(m.mmlu.n).toBe(6);
      const items = (JSON.parse(readFileSync(join(RUN, m.mmlu.file), 'utf8')) as EvalResult).items;
      expect(m.mmlu.answerCounts).toEqual([0, 1, 2, 3].map((c) => items.filter((it) => it.pred === c).length));
      expect(m.mmlu.ci95[0]).toBeLessThanOrEqual(m.mmlu.micro);
      expect(m.mmlu.ci95[1]).toBeGreaterThanOrEqual(m.mmlu.micro);
    }
    // each specialist is better on its own script than the other specialist (the point of specialising)
    const loss = (k: string, set: string) => report.models.find((m) => m.key === k)!.valLoss[set].mean;
    expect(loss('latin', 'latin')).toBeLessThan(loss('cyrillic', 'latin'));
    expect(loss('cyrillic', 'cyrillic')).toBeLessThan(loss('latin', 'cyrillic'));
  });

  it('pairs the differences window by window and MMLU item by item', () => {
    expect(report.comparisons.valLoss.map((c) => c.valSet)).toEqual(['latin', 'latin', 'latin', 'cyrillic', 'cyrillic', 'cyrillic', 'both', 'both', 'both']);
    for (const c of report.comparisons.valLoss) {
      const wa = report.models.find((m) => m.key === c.a)!.valLoss[c.valSet].windows;
      const wb = report.models.find((m) => m.key === c.b)!.valLoss[c.valSet].windows;
      const s = summarize(wa.map((x, i) => x - wb[i]));
      expect(c.diff.mean).toBeCloseTo(s.mean, 12);
      expect(c.diff.ci95![0]).toBeCloseTo(s.ci95![0], 12);
    }
    expect(report.comparisons.mmlu.map((c) => [c.a, c.b])).toEqual([['fused', 'latin'], ['fused', 'cyrillic'], ['latin', 'cyrillic']]);
    for (const c of report.comparisons.mmlu) {
      expect(c.n).toBe(6);
      expect(c.diff).toBeCloseTo(c.accA - c.accB, 12);
      expect(c.ci95[0]).toBeLessThanOrEqual(c.ci95[1]);
    }
    expect(report.verdict).toHaveLength(4);
  });

  it('trains both specialists over one vocabulary and the unchanged frozen table; the fusion is their even logit average', () => {
    const [a, b] = ['latin', 'cyrillic'].map((k) => JSON.parse(readFileSync(join(RUN, 'specialists', k, 'data', 'corpus.json'), 'utf8')) as { vocabSize: number; meta: { fingerprint: string } });
    expect(a.vocabSize).toBe(report.setup.tokenizer.compact.rows);
    expect(b.vocabSize).toBe(a.vocabSize);
    expect(a.meta.fingerprint).not.toBe(b.meta.fingerprint);
    expect(report.setup.glyph.frozenTablesUnchanged).toBe(true);
    const manifest = JSON.parse(readFileSync(join(RUN, 'fused', 'fused.json'), 'utf8')) as { weights: number[]; average: string; tableFingerprint: string };
    expect(manifest).toMatchObject({ weights: [0.5, 0.5], average: 'logits', tableFingerprint: report.setup.fusion.tableFingerprint });
  });

  it('glyphlm eval on the fused folder reproduces the report\'s MMLU result item by item', async () => {
    const out = join(RUN, 'eval-again');
    const e = await runGlyphlm(['eval', join(RUN, 'fused'), '--subjects', 'astronomy,marketing', '--limit-per-subject', '3', '--shots', '1', '-o', out]);
    expect(e.code, e.stderr).toBe(0);
    const again = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvalResult;
    const stored = JSON.parse(readFileSync(join(RUN, 'eval', 'fused-harness.json'), 'utf8')) as EvalResult;
    expect(again.items.map((i) => [i.subject, i.index, i.pred])).toEqual(stored.items.map((i) => [i.subject, i.index, i.pred]));
    expect(again.accuracy.micro).toBe(report.models[2].mmlu.micro);
  });

  it('glyphlm report re-renders the same report.html and report.md from report.json', async () => {
    const before = ['report.html', 'report.md'].map((f) => readFileSync(join(RUN, f), 'utf8'));
    rmSync(join(RUN, 'report.html'));
    const r = await runGlyphlm(['report', RUN]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${join(RUN, 'report.html')}\n`);
    expect(['report.html', 'report.md'].map((f) => readFileSync(join(RUN, f), 'utf8'))).toEqual(before);
  });

  it('refuses an existing run without --resume, and flags the preset does not use (one line, exit 2)', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['experiment', '--preset', 'specialists-tiny', '-o', RUN], /already holds a finished specialists run: use --resume/],
      [['experiment', '--preset', 'specialists-tiny', '--arms', 'frozen', '-o', join(OUT, 'sp-x')], /--arms: the specialists-tiny preset trains two frozen-table specialists/],
      [['experiment', '--preset', 'specialists-tiny', '--seeds', '1,2', '-o', join(OUT, 'sp-x')], /--seeds: the specialists-tiny preset runs one seed/],
    ];
    for (const [args, re] of cases) {
      const r = await runGlyphlm(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(join(OUT, 'sp-x'))).toBe(false);
  });
});
