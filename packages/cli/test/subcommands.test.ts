// The other subcommands' happy paths and refusals, through real child processes: embed (matrix bytes equal to
// glyph-embeddings' own build), train from a JSON config (then generate on it), export-torch -> the PyTorch twin's
// continue_training.py (when Debian's python3 with torch is present) -> import-torch -> generate.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEmbeddings, defaultFont, fromSafetensors } from '@glyphlm/glyph-embeddings';
import { fileCacheStore } from '@glyphlm/glyph-embeddings/node';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { CACHE, OUT, PKG, runGlyphlm } from './helpers.js';

const DIR = join(OUT, 'subcommands');
const REPO = join(PKG, '..', '..');
const PYTHON = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';

beforeAll(() => { rmSync(DIR, { recursive: true, force: true }); mkdirSync(DIR, { recursive: true }); });

describe('glyphlm embed', () => {
  it('writes the matrix glyph-embeddings builds, a glyph sheet PNG and a map SVG', async () => {
    const m = join(DIR, 'm.safetensors'), sheet = join(DIR, 'sheet.png'), map = join(DIR, 'map.svg');
    const r = await runGlyphlm(['embed', '--components', '32', '-o', m, '--sheet', sheet, '--map', map, '--sample', 'Hello мир']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${m}: 65536 x 32 (bvv241-2-3`);
    const got = fromSafetensors(new Uint8Array(readFileSync(m)));
    const want = await buildEmbeddings(bvv241('2-3'), { recipe: 'bvv241-2-3', components: 32, font: await defaultFont(), cache: fileCacheStore(CACHE) });
    expect([got.rows, got.dim]).toEqual([65536, 32]);
    expect(Buffer.compare(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength), Buffer.from(want.data.buffer, want.data.byteOffset, want.data.byteLength))).toBe(0);
    expect([...readFileSync(sheet).subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const svg = readFileSync(map, 'utf8');
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg /);
    const n = new Set(bvv241('2-3').encode('Hello мир')).size;
    expect(svg.match(/<circle/g)).toHaveLength(n);
  });
});

describe('glyphlm train -> export-torch -> PyTorch -> import-torch', () => {
  const T = join(DIR, 'train');
  it('trains from a JSON config, refuses to overwrite, and the result generates', async () => {
    const cfg = join(DIR, 'train.json');
    writeFileSync(cfg, JSON.stringify({ preset: 'tiny', arm: 'trainable-from-glyph', steps: 6, seed: 3 }));
    const r = await runGlyphlm(['train', '--config', cfg, '-o', T]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${join(T, 'final')}: 6 steps, 768 tokens, loss \\d+\\.\\d{4}, val loss \\d+\\.\\d{4}\\n$`));
    expect(JSON.parse(readFileSync(join(T, 'checkpoints', 'latest.json'), 'utf8')).step).toBe(6);
    expect(JSON.parse(readFileSync(join(T, 'history.json'), 'utf8'))).toHaveLength(6);
    const again = await runGlyphlm(['train', '--config', cfg, '-o', T]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/already holds a training run: pass --resume/);
    const bad = join(DIR, 'bad.json');
    writeFileSync(bad, JSON.stringify({ preset: 'tiny', stepz: 3 }));
    const b = await runGlyphlm(['train', '--config', bad, '-o', join(DIR, 'bad')]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe(`glyphlm: ${bad}: unknown field "stepz" (known: preset, arm, corpus, tokenizer, steps, batchSize, lr, seed, workers, compact)`);
    const g = await runGlyphlm(['generate', T, '-p', 'ROMEO:', '-n', '4', '--temperature', '0']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.startsWith('ROMEO:')).toBe(true);
  });

  it('exports checkpoint + optimizer + shards and prints the torchrun command; the twin continues; import-torch brings it back', async (ctx) => {
    const E = join(DIR, 'torch');
    const r = await runGlyphlm(['export-torch', T, '-o', E, '--steps', '2', '--nproc', '2']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['ckpt/latest.json', 'ckpt/step-000006/optimizer.safetensors', 'ckpt/step-000006/trainer.json', 'shards/corpus.json', 'glyphlm-tokenizer.json']) expect(existsSync(join(E, f)), f).toBe(true);
    const cmd = r.stdout.split('\n').find((l) => l.includes('torchrun'))!.trim();
    expect(cmd).toBe(`torchrun --standalone --nproc_per_node=2 interop/python/continue_training.py --ckpt ${join(E, 'ckpt')} --data ${join(E, 'shards')} --steps 2 --total-steps 8 --out ${join(E, 'ckpt-torch')}`);
    const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
    if (!hasTorch) {
      if (process.env.CI === 'true') throw new Error(`${PYTHON} has no torch (scripts/setup.sh installs python3-torch)`);
      console.warn(`export-torch round trip skipped: ${PYTHON} has no torch`);
      ctx.skip();
    }
    // the same command as one process (torchrun's single-process fallback of continue_training.py)
    const args = cmd.split(' ').slice(3);
    const py = spawnSync(PYTHON, [...args, '--quiet'], { cwd: REPO, encoding: 'utf8' });
    expect(py.status, `continue_training.py failed:\n${py.stderr}`).toBe(0);
    const back = join(DIR, 'back');
    const imp = await runGlyphlm(['import-torch', join(E, 'ckpt-torch'), '-o', back]);
    expect(imp.code, imp.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(back, 'latest.json'), 'utf8')).step).toBe(8);
    const g = await runGlyphlm(['generate', back, '-p', 'ROMEO:', '-n', '3', '--temperature', '0']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.startsWith('ROMEO:')).toBe(true);
    const missing = await runGlyphlm(['import-torch', join(DIR, 'nope'), '-o', join(DIR, 'x')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/checkpoint directory not found/);
  });
});

describe('glyphlm export-torch --init', () => {
  it('writes a step-0 run that the trainer resumes into exactly the run a fresh train makes', async () => {
    const E = join(DIR, 'init'), F = join(DIR, 'fresh');
    const r = await runGlyphlm(['export-torch', '--init', '--preset', 'tiny', '--arm', 'frozen', '-o', E, '--steps', '12', '--nproc', '8']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`torchrun --standalone --nproc_per_node=8 interop/python/continue_training.py --ckpt ${join(E, 'ckpt')} --data ${join(E, 'shards')} --steps 12 --total-steps 12`);
    const trainer = JSON.parse(readFileSync(join(E, 'ckpt', 'step-000000', 'trainer.json'), 'utf8'));
    expect([trainer.step, trainer.sampler.nextStep, trainer.options.steps]).toEqual([0, 0, 12]);
    const resumed = await runGlyphlm(['train', '--preset', 'tiny', '--arm', 'frozen', '--resume', '-o', `${E}.init`]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const fresh = await runGlyphlm(['train', '--preset', 'tiny', '--arm', 'frozen', '-o', F]);
    expect(fresh.code, fresh.stderr).toBe(0);
    const a = JSON.parse(readFileSync(join(`${E}.init`, 'history.json'), 'utf8')), b = JSON.parse(readFileSync(join(F, 'history.json'), 'utf8'));
    expect(a.map((h: { loss: number; valLoss?: number }) => [h.loss, h.valLoss])).toEqual(b.map((h: { loss: number; valLoss?: number }) => [h.loss, h.valLoss]));
    expect(a).toHaveLength(12);
    const bad = await runGlyphlm(['export-torch', 'somewhere', '--init', '-o', join(DIR, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('glyphlm: export-torch --init takes no run directory (it makes a fresh step-0 run from --preset and --arm)');
  });
});

describe('glyphlm experiment --budget', () => {
  it('calibrates on this machine, sizes the steps to the budget and states it in the report', async () => {
    const out = join(DIR, 'budget');
    const r = await runGlyphlm(['experiment', '--preset', 'tiny', '--budget', '1', '--arms', 'frozen,trainable', '--seeds', '1', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/calibration: \d+\.\d\d s\/step \(\d+ tok\/s\), run overhead \d+ s, evaluation \d+ s per run -> /);
    const rep = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    const c = rep.setup.budget.calibration;
    expect(rep.setup.budget.minutes).toBe(1);
    expect(c.steps).toBeGreaterThanOrEqual(20);
    expect(rep.setup.training.steps).toBe(c.steps);
    expect(rep.setup.training.warmupSteps).toBe(Math.max(1, Math.round(c.steps * 0.05)));
    expect(rep.setup.tokensPerRun).toBe(c.steps * 4 * 32);
    const state = JSON.parse(readFileSync(join(out, 'experiment.json'), 'utf8'));
    expect(state.calibration).toEqual(c);
    const again = await runGlyphlm(['experiment', '--preset', 'tiny', '--budget', '1', '--arms', 'frozen,trainable', '--seeds', '1', '--out', out, '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/calibration:/);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).arms).toEqual(rep.arms);
  });
});
