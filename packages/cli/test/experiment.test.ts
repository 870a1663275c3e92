// The main job end to end: `glyphlm experiment --preset tiny` as a real child process of dist/bin.js, then
// report.json's figures checked against the run folder and independent computations (the frozen arm's table is the
// glyph matrix glyph-embeddings builds, byte for byte; every arm of a seed saw the same tokens; MMLU item counts;
// CIs), report.html opened in real chromium (charts render, no console errors, a screenshot), and the other
// subcommands on the run's checkpoints (generate reproduces the report's sample, eval reproduces its MMLU result,
// report re-renders the same page, a checkpoint that does not fit the tokenizer is refused).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@glyphlm/tensor-io';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { buildEmbeddings, defaultFont } from '@glyphlm/glyph-embeddings';
import { fileCacheStore } from '@glyphlm/glyph-embeddings/node';
import { compactVocabulary, tableHash } from '@glyphlm/trainer';
import type { EvalResult } from '@glyphlm/mmlu-eval';
import type { ExperimentReport } from '../src/report/types.js';
import { CACHE, OUT, runGlyphlm, spawnGlyphlm, type RunResult } from './helpers.js';

const RUN = join(OUT, 'runs', 'e2e-tiny');
let run: RunResult;
let report: ExperimentReport;

beforeAll(async () => {
  rmSync(RUN, { recursive: true, force: true });
  run = await runGlyphlm(['experiment', '--preset', 'tiny', '--out', RUN]);
  if (run.code !== 0) throw new Error(`experiment failed (${run.code}):\n${run.stderr}`);
  report = JSON.parse(readFileSync(join(RUN, 'report.json'), 'utf8'));
});

describe('glyphlm experiment --preset tiny', () => {
  it('prints the report path and the verdict, and writes the three reports', () => {
    expect(run.stdout.split('\n')[0]).toBe(join(RUN, 'report.html'));
    for (const v of report.verdict) expect(run.stdout).toContain(v);
    for (const f of ['report.json', 'report.md', 'report.html', 'glyph-sheet.png', 'experiment.json', 'glyphlm-tokenizer.json', 'data/corpus.json']) {
      expect(existsSync(join(RUN, f)), f).toBe(true);
    }
    const md = readFileSync(join(RUN, 'report.md'), 'utf8');
    for (const v of report.verdict) expect(md).toContain(v);
  });

  it('trains every arm for every seed with the compact vocabulary', () => {
    expect(report.schema).toBe('glyphlm.experiment.report/1');
    expect(report.arms.map((a) => a.name)).toEqual(['frozen', 'trainable', 'trainable-from-glyph', 'random-binary']);
    for (const a of report.arms) expect(a.seeds.map((s) => s.seed)).toEqual([1, 2]);
    const c = report.setup.tokenizer.compact!;
    expect(report.setup.model.vocabSize).toBe(c.rows);
    expect(c.rows).toBeLessThan(report.setup.tokenizer.vocabSize);
    expect(report.setup.corpus.sft!.examples).toBe(1542);
    expect(report.setup.corpus.sft!.ratio).toBeGreaterThan(0.08);
    expect(report.setup.corpus.sft!.ratio).toBeLessThan(0.12);
  });

  it("keeps the frozen arm's table equal to the glyph matrix, byte for byte", async () => {
    const base = bvv241('2-3');
    const matrix = await buildEmbeddings(base, { recipe: 'bvv241-2-3', components: report.setup.model.nEmbed, font: await defaultFont(), cache: fileCacheStore(CACHE) });
    const sidecar = JSON.parse(readFileSync(join(RUN, 'glyphlm-tokenizer.json'), 'utf8'));
    const glyph = compactVocabulary(base, Uint32Array.from(sidecar.compact.ids)).selectRows(matrix);
    expect(report.setup.glyph.frozenTableEqualsGlyphMatrix).toBe(true);
    expect(report.setup.glyph.tableHash).toBe(tableHash(glyph.data));
    const glyphBytes = new Uint8Array(glyph.data.buffer, glyph.data.byteOffset, glyph.data.byteLength);
    for (const seed of [1, 2]) {
      const st = readSafetensors(new Uint8Array(readFileSync(join(RUN, 'arms', 'frozen', `s${seed}`, 'final', 'model.safetensors'))));
      const t = st.tensors.get('tok_embedding.weight')!;
      expect(t.shape).toEqual([glyph.rows, glyph.dim]);
      expect(Buffer.compare(Buffer.from(t.bytes), Buffer.from(glyphBytes))).toBe(0);
      // the trainable-from-glyph arm started there and moved
      const tf = readSafetensors(new Uint8Array(readFileSync(join(RUN, 'arms', 'trainable-from-glyph', `s${seed}`, 'final', 'model.safetensors')))).tensors.get('tok_embedding.weight')!;
      expect(Buffer.compare(Buffer.from(tf.bytes), Buffer.from(glyphBytes))).not.toBe(0);
    }
  });

  it('gives every arm of a seed the same tokens in the same order', () => {
    for (const seed of [1, 2]) {
      const runs = report.arms.map((a) => a.seeds.find((s) => s.seed === seed)!);
      const trainerData = report.arms.map((a) => {
        const ck = join(RUN, 'arms', a.name, `s${seed}`, 'checkpoints');
        const latest = JSON.parse(readFileSync(join(ck, 'latest.json'), 'utf8'));
        return JSON.parse(readFileSync(join(ck, latest.dir, 'trainer.json'), 'utf8'));
      });
      for (const k of ['tokensSeen', 'dataFingerprint', 'batchOrderHash', 'finalValTokens'] as const) {
        expect(new Set(runs.map((r) => r[k])).size, k).toBe(1);
      }
      expect(runs[0].tokensSeen).toBe(report.setup.tokensPerRun);
      expect(new Set(trainerData.map((t) => t.data.fingerprint)).size).toBe(1);
      expect(trainerData[0].data.fingerprint).toBe(report.setup.corpus.fingerprint);
      expect(new Set(trainerData.map((t) => t.sampler.seed)).size).toBe(1);
      expect(trainerData[0].step).toBe(report.setup.training.steps);
    }
    expect(report.arms[0].seeds[0].batchOrderHash).not.toBe(report.arms[0].seeds[1].batchOrderHash);
  });

  it('evaluates the stated MMLU subset under every protocol, with CIs, invalid rates and the chance line', () => {
    expect(report.setup.mmlu.items).toBe(6);
    expect(Object.keys(report.setup.mmlu.protocols)).toEqual(['harness', 'paper-greedy', 'paper-greedy-nonspace', 'paper-sampled']);
    for (const a of report.arms) {
      for (const s of a.seeds) {
        for (const [k, m] of Object.entries(s.mmlu)) {
          const r = JSON.parse(readFileSync(join(RUN, m!.file), 'utf8')) as EvalResult;
          expect(r.items, `${a.name} s${s.seed} ${k}`).toHaveLength(6);
          expect(new Set(r.items.map((i) => i.subject))).toEqual(new Set(['astronomy', 'marketing']));
          expect(r.accuracy.micro).toBe(m!.micro);
          expect(m!.chance).toBe(0.25);
          expect(m!.ci95[0]).toBeLessThanOrEqual(m!.micro + 1e-12);
          expect(m!.ci95[1]).toBeGreaterThanOrEqual(m!.micro - 1e-12);
          if (k === 'harness') expect(m!.invalidRate).toBe(0);
          if (k === 'paper-sampled') expect(m!.runs).toHaveLength(2);
        }
      }
      for (const m of Object.values(a.mmlu)) expect(m!.ci95).toHaveLength(2);
    }
    expect(report.comparisons.mmlu.length).toBe(6);
    for (const c of report.comparisons.mmlu) { expect(c.n).toBe(12); expect(c.ci95[0]).toBeLessThanOrEqual(c.diff + 1e-12); expect(c.ci95[1]).toBeGreaterThanOrEqual(c.diff - 1e-12); }
  });

  it('reports validation loss with t-based CIs over 2 seeds, paired differences, the frequency split and per-script loss', () => {
    for (const a of report.arms) {
      expect(a.valLoss.n).toBe(2);
      const v = a.seeds.map((s) => s.finalValLoss);
      expect(a.valLoss.mean).toBeCloseTo((v[0] + v[1]) / 2, 12);
      const half = 12.706204736174707 * Math.abs(v[0] - v[1]) / Math.sqrt(2) / Math.sqrt(2);
      expect(a.valLoss.ci95![1] - a.valLoss.mean).toBeCloseTo(half, 6);
      for (const s of a.seeds) {
        expect(s.history.filter((h) => h.valLoss !== undefined).length).toBeGreaterThanOrEqual(2);
        expect(Object.keys(s.valLossByFrequency!).some((k) => k.startsWith('input seen'))).toBe(true);
        expect(s.perplexity.map((p) => p.key)).toEqual(['Shakespeare', 'Latn', 'Cyrl', 'Arab', 'Jpan']);
        for (const p of s.perplexity) { expect(p.tokens).toBeGreaterThan(20); expect(p.perplexity).toBeCloseTo(Math.exp(p.loss), 6); }
      }
    }
    const d = report.comparisons.valLoss.find((c) => c.a === 'frozen' && c.b === 'trainable')!;
    const f = report.arms.find((a) => a.name === 'frozen')!, t = report.arms.find((a) => a.name === 'trainable')!;
    expect(d.diff.mean).toBeCloseTo(f.valLoss.mean - t.valLoss.mean, 12);
    expect(d.diff.ci95).toHaveLength(2);
    expect(report.comparisons.valLoss.map((c) => `${c.a}-${c.b}`)).toEqual(['frozen-trainable', 'frozen-random-binary', 'trainable-from-glyph-trainable', 'trainable-from-glyph-frozen']);
  });

  it('generate on an arm reproduces the greedy sample of the report', async () => {
    const s = report.arms[0].seeds[0].samples[0];
    const r = await runGlyphlm(['generate', join(RUN, 'arms', 'frozen', 's1'), '-p', s.prompt, '-n', '8', '--temperature', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${s.prompt}${s.completion}\n`);
  });

  it('eval on an arm reproduces its harness result of the experiment', async () => {
    const out = join(OUT, 'eval-e2e');
    const r = await runGlyphlm(['eval', join(RUN, 'arms', 'trainable', 's2'), '--protocol', 'harness', '--subjects', 'astronomy,marketing', '--limit-per-subject', '3', '-o', out]);
    expect(r.code).toBe(0);
    const mine = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvalResult;
    const theirs = JSON.parse(readFileSync(join(RUN, report.arms[1].seeds[1].mmlu.harness!.file), 'utf8')) as EvalResult;
    expect(mine.items.map((i) => [i.subject, i.index, i.pred, i.logliks])).toEqual(theirs.items.map((i) => [i.subject, i.index, i.pred, i.logliks]));
    expect(r.stdout).toMatch(/^harness test: accuracy \d+\.\d % \[/);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
  });

  it('refuses a checkpoint that does not match the tokenizer, in one line', async () => {
    const r = await runGlyphlm(['generate', join(RUN, 'arms', 'frozen', 's1'), '-p', 'hi', '-t', 'bvv241-2-3']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(new RegExp(`^glyphlm: checkpoint .* has vocabSize ${report.setup.model.vocabSize} but tokenizer bvv241-2-3 has 65536: they do not match$`));
  });

  it('re-renders the same report.html with glyphlm report; refuses a finished run without --resume/--force', async () => {
    const before = readFileSync(join(RUN, 'report.html'), 'utf8');
    const r = await runGlyphlm(['report', RUN]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(RUN, 'report.html'), 'utf8')).toBe(before);
    const again = await runGlyphlm(['experiment', '--preset', 'tiny', '--out', RUN]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/already holds a finished experiment: use --resume/);
  });
});

/** The report's figures (everything but timing, the command line and whether it was resumed). */
function figures(r: ExperimentReport): unknown {
  return {
    arms: r.arms.map((a) => ({ ...a, seeds: a.seeds.map((s) => ({ ...s, trainSeconds: 0, history: s.history.map((h) => ({ step: h.step, loss: h.loss, valLoss: h.valLoss, lr: h.lr, tokens: h.tokens })) })) })),
    comparisons: r.comparisons, verdict: r.verdict, glyph: r.glyph,
    setup: { ...r.setup, timing: null, machine: null },
  };
}

function waitFor(cond: () => boolean, child: import('node:child_process').ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setInterval(() => {
      if (cond()) { clearInterval(t); resolve(); }
    }, 10);
    child.on('exit', (code) => { clearInterval(t); reject(new Error(`child exited (${code}) before ${what}`)); });
  });
}

describe('interrupted and resumed', () => {
  it('a crash (SIGKILL) and a Ctrl-C (SIGINT) mid-run, then --resume, give the same report', async () => {
    const cut = join(OUT, 'runs', 'e2e-tiny-cut');
    rmSync(cut, { recursive: true, force: true });
    // 1. crash while the trainable arm of seed 1 has a checkpoint but has not finished
    const a = spawnGlyphlm(['experiment', '--preset', 'tiny', '--out', cut]);
    const ckA = join(cut, 'arms', 'trainable', 's1');
    await waitFor(() => existsSync(join(ckA, 'checkpoints', 'latest.json')) && !existsSync(join(ckA, 'result.json')), a, 'the first checkpoint of trainable s1');
    a.kill('SIGKILL');
    await new Promise((r) => a.on('close', r));
    expect(existsSync(join(ckA, 'result.json'))).toBe(false);
    const stepA = JSON.parse(readFileSync(join(ckA, 'checkpoints', 'latest.json'), 'utf8')).step as number;
    expect(stepA).toBeLessThan(report.setup.training.steps as number);
    // 2. without --resume the folder is refused; with it, Ctrl-C during seed 2's frozen arm stops cleanly (exit 130)
    const refused = await runGlyphlm(['experiment', '--preset', 'tiny', '--out', cut]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds an interrupted experiment: use --resume/);
    const b = spawnGlyphlm(['experiment', '--preset', 'tiny', '--out', cut, '--resume']);
    let errB = '';
    b.stderr!.on('data', (d) => { errB += d; });
    const ckB = join(cut, 'arms', 'frozen', 's2');
    await waitFor(() => existsSync(join(ckB, 'checkpoints', 'latest.json')) && !existsSync(join(ckB, 'result.json')), b, 'the first checkpoint of frozen s2');
    b.kill('SIGINT');
    const codeB = await new Promise((r) => b.on('close', r));
    expect(errB).toContain(`trainable s1: resumed from step ${stepA}`);
    if (!existsSync(join(ckB, 'result.json'))) {
      expect(codeB).toBe(130);
      expect(errB).toMatch(/interrupted; continue with: .*--resume/);
    }
    // 3. resume to the end
    const c = await runGlyphlm(['experiment', '--preset', 'tiny', '--out', cut, '--resume']);
    expect(c.code, c.stderr).toBe(0);
    const resumed = JSON.parse(readFileSync(join(cut, 'report.json'), 'utf8')) as ExperimentReport;
    expect(resumed.setup.timing.resumed).toBe(true);
    expect(JSON.stringify(figures(resumed))).toBe(JSON.stringify(figures(report)));
  });
});

describe('report.html in chromium', () => {
  let browser: import('playwright-core').Browser | undefined;
  afterAll(async () => { await browser?.close(); });

  it('renders every chart, the glyph sheet, no console errors; screenshot saved', async (ctx) => {
    const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
    if (!existsSync(chromium)) {
      if (process.env.CI === 'true') throw new Error(`no chromium at ${chromium}`);
      console.warn(`report.html browser test skipped: no chromium at ${chromium}`);
      ctx.skip();
    }
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (req) => { if (!req.url().startsWith('file:') && !req.url().startsWith('data:')) errors.push(`network request: ${req.url()}`); });
    await page.goto(`file://${join(RUN, 'report.html')}`);
    const charts = await page.$$eval('figure.chart', (figs) => figs.map((f) => {
      const svg = f.querySelector('svg')!;
      const box = svg.getBoundingClientRect();
      return { name: f.getAttribute('data-chart'), w: box.width, h: box.height, marks: svg.querySelectorAll('path, rect, circle').length };
    }));
    expect(charts.map((c) => c.name)).toEqual(['valLoss', 'trainLoss', 'finalLoss', 'frequency', 'scripts', 'mmlu', 'invalid', 'map']);
    for (const c of charts) { expect(c.w, c.name!).toBeGreaterThan(200); expect(c.h).toBeGreaterThan(150); expect(c.marks).toBeGreaterThan(3); }
    const img = await page.$eval('.sheet img', (i) => ({ w: (i as HTMLImageElement).naturalWidth, ok: (i as HTMLImageElement).complete }));
    expect(img.ok).toBe(true);
    expect(img.w).toBeGreaterThan(100);
    const text = await page.textContent('body');
    for (const v of report.verdict) expect(text).toContain(v);
    await page.screenshot({ path: join(OUT, 'report.png'), fullPage: true });
    expect(existsSync(join(OUT, 'report.png'))).toBe(true);
    expect(errors).toEqual([]);
  });
});
