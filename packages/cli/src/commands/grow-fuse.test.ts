// `glyphlm grow` and `glyphlm fuse` through real child processes of dist/bin.js: growth keeps the blocks below and
// the frozen table byte-identical while the new block and the head train, the grown checkpoint loads (library and
// generate), stages add blocks; a fused folder's logits equal the (weighted) average of its members' (library on
// the folder the CLI wrote, 1e-6), `generate` on it gives the library's fused greedy output and `eval` runs on it;
// mismatched members are refused with one line and exit 2, before anything is written.
import { existsSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensors } from '@glyphlm/tensor-io';
import { loadCheckpoint, loadFused, useBackend } from '@glyphlm/transformer-core';
import { OUT, runGlyphlm } from '../../test/helpers.js';
import { readTokenizerSidecar } from '../cli/sidecar.js';

const DIR = join(OUT, 'grow-fuse');
const SRC = join(DIR, 'src');
const RB = join(DIR, 'rb');
const GROWN = join(DIR, 'grown');

/** The newest step folder of a trainer checkpoint directory (its latest.json). */
function latestStepDir(ckptDir: string): string {
  const rec = JSON.parse(readFileSync(join(ckptDir, 'latest.json'), 'utf8')) as { dir: string };
  return join(ckptDir, rec.dir);
}

function tensors(file: string): Map<string, Uint8Array> {
  const st = readSafetensors(new Uint8Array(readFileSync(file)));
  return new Map([...st.tensors].map(([k, t]) => [k, new Uint8Array(t.bytes)]));
}

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  for (const [out, arm] of [[SRC, 'frozen'], [RB, 'random-binary']]) {
    const r = await runGlyphlm(['train', '--preset', 'tiny', '--arm', arm, '--steps', '4', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
  }
  await useBackend('cpu');
});

describe('glyphlm grow / fuse --help', () => {
  it('are listed and have their own help', async () => {
    const top = await runGlyphlm(['--help']);
    expect(top.stdout).toMatch(/\bgrow\b/);
    expect(top.stdout).toMatch(/\bfuse\b/);
    for (const c of ['grow', 'fuse']) {
      const h = await runGlyphlm([c, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`Usage: glyphlm ${c}`);
    }
    expect((await runGlyphlm(['grow', '--help'])).stdout).toContain('--final-all-layers <n>');
    expect((await runGlyphlm(['fuse', '--help'])).stdout).toContain('--average <what>');
  });
});

describe('glyphlm grow', () => {
  it('adds a block on top; the block below and the frozen table stay byte-identical, the new block and the head train', async () => {
    const r = await runGlyphlm(['grow', SRC, '--add-layers', '1', '--steps', '4', '--seed', '5', '-o', GROWN]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${join(GROWN, 'final')}: 1 -> 2 blocks, 1 stage\\(s\\), 4 steps, loss \\d+\\.\\d{4}, val loss \\d+\\.\\d{4}\\n$`));
    const before = tensors(join(latestStepDir(join(SRC, 'checkpoints')), 'model.safetensors'));
    const after = tensors(join(GROWN, 'final', 'model.safetensors'));
    const lower = [...before.keys()].filter((k) => k.startsWith('blocks.0.') || k === 'tok_embedding.weight');
    expect(lower.length).toBe(5);
    for (const k of lower) expect(same(before.get(k)!, after.get(k)!), k).toBe(true);
    expect(same(before.get('lm_head.weight')!, after.get('lm_head.weight')!)).toBe(false);
    // identity init: the new block's output projections start at zero; training moved them
    for (const k of ['blocks.1.attn.proj.weight', 'blocks.1.mlp.proj.weight']) expect(after.get(k)!.some((b) => b !== 0), k).toBe(true);
    // the trainer state of the growth run: optimizer moments only for what trained (no blocks.0.*)
    const opt = readSafetensors(new Uint8Array(readFileSync(join(latestStepDir(join(GROWN, 'checkpoints', 'stage-01')), 'optimizer.safetensors'))));
    expect([...opt.tensors.keys()].some((k) => k.includes('blocks.0.'))).toBe(false);
    expect([...opt.tensors.keys()].some((k) => k.includes('blocks.1.'))).toBe(true);
    // an ordinary checkpoint: the library and `generate` load it
    const m = await loadCheckpoint(join(GROWN, 'final'));
    expect(m.config.nLayer).toBe(2);
    m.dispose();
    const g = await runGlyphlm(['generate', GROWN, '-p', 'ROMEO:', '-n', '4', '--temperature', '0']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout.startsWith('ROMEO:')).toBe(true);
    expect(JSON.parse(readFileSync(join(GROWN, 'history.json'), 'utf8'))).toHaveLength(4);
  });

  it('runs stages (each adds blocks, the ones below frozen) and a final all-block stage, one history', async () => {
    const out = join(DIR, 'staged');
    const r = await runGlyphlm(['grow', SRC, '--add-layers', '1', '--steps', '2', '--stages', '2', '--final-all-layers', '1', '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('1 -> 3 blocks, 3 stage(s), 5 steps');
    const info = JSON.parse(readFileSync(join(out, 'grow.json'), 'utf8')) as { stages: Array<{ nLayer: number; frozenLayers: number[]; steps: number }> };
    expect(info.stages.map((s) => [s.nLayer, s.frozenLayers, s.steps])).toEqual([[2, [0], 2], [3, [0, 1], 2], [3, [], 1]]);
    const hist = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')) as Array<{ step: number; stage: number }>;
    expect(hist.map((h) => [h.step, h.stage])).toEqual([[1, 1], [2, 1], [3, 2], [4, 2], [5, 3]]);
  });

  it('refuses bad input with one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['grow', SRC, '--add-layers', '0', '-o', join(DIR, 'x')], /--add-layers must be an integer >= 1/],
      [['grow', join(DIR, 'nope'), '--add-layers', '1', '-o', join(DIR, 'x')], /checkpoint directory not found/],
      [['grow', SRC, '--add-layers', '1', '--data', RB, '-o', join(DIR, 'x')], /corpus\.json|vocabSize|tokenizer/],
      [['grow', SRC, '--add-layers', '1', '--steps', '2', '-o', GROWN], /already holds a growth run: pass --resume/],
    ];
    for (const [args, re] of cases) {
      const r = await runGlyphlm(args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(existsSync(join(DIR, 'x'))).toBe(false);
  });
});

describe('glyphlm fuse', () => {
  const FUSED = join(DIR, 'fused');
  const ids = [[3, 17, 40, 2, 99, 5, 61, 8]];

  it('writes a fused folder whose logits are the average of the members\' (1e-6); generate and eval load it', async () => {
    const r = await runGlyphlm(['fuse', SRC, GROWN, '-o', FUSED]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 members (1 x 32, 2 x 32), weights 0.500, 0.500, average of logits');
    expect(existsSync(join(FUSED, 'glyphlm-tokenizer.json'))).toBe(true);
    const a = await loadCheckpoint(join(SRC, 'final')), b = await loadCheckpoint(join(GROWN, 'final'));
    const fused = await loadFused(FUSED);
    const [la, lb, lf] = [await a.logits(ids), await b.logits(ids), await fused.logits(ids)];
    let worst = 0;
    for (let i = 0; i < lf.length; i++) worst = Math.max(worst, Math.abs(lf[i] - (la[i] + lb[i]) / 2));
    expect(lf.length).toBe(ids[0].length * a.config.vocabSize);
    expect(worst).toBeLessThan(1e-6);
    // generate through the CLI = the library's fused greedy continuation of the same prompt
    const tok = readTokenizerSidecar(join(FUSED, 'glyphlm-tokenizer.json'));
    expect(tok.vocabSize).toBe(a.config.vocabSize);
    const gen: number[] = [];
    for await (const id of fused.generate([...tok.encode('ROMEO:')], { maxNewTokens: 6, temperature: 0 })) gen.push(id);
    const g = await runGlyphlm(['generate', FUSED, '-p', 'ROMEO:', '-n', '6', '--temperature', '0']);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toBe(`ROMEO:${tok.decode(gen)}\n`);
    const e = await runGlyphlm(['eval', FUSED, '--subjects', 'astronomy', '--limit-per-subject', '2', '--shots', '0']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^harness test: accuracy [\d.]+ % \[[\d.]+, [\d.]+\] on 2 items/);
    a.dispose(); b.dispose(); fused.dispose();
  });

  it('--average probs --weights 3,1: log of the weighted mixture of probabilities (1e-5)', async () => {
    const out = join(DIR, 'fused-probs');
    const r = await runGlyphlm(['fuse', SRC, GROWN, '-o', out, '--average', 'probs', '--weights', '3,1']);
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'fused.json'), 'utf8')) as { weights: number[]; average: string };
    expect(manifest).toMatchObject({ weights: [0.75, 0.25], average: 'probs' });
    const a = await loadCheckpoint(join(SRC, 'final')), b = await loadCheckpoint(join(GROWN, 'final')), f = await loadFused(out);
    const [la, lb, lf] = [await a.logits(ids), await b.logits(ids), await f.logits(ids)];
    const V = a.config.vocabSize;
    let worst = 0;
    for (let t = 0; t < ids[0].length; t++) {
      const row = (l: Float32Array) => { let m = -Infinity; for (let v = 0; v < V; v++) m = Math.max(m, l[t * V + v]); let s = 0; for (let v = 0; v < V; v++) s += Math.exp(l[t * V + v] - m); return (v: number) => Math.exp(l[t * V + v] - m) / s; };
      const pa = row(la), pb = row(lb);
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(lf[t * V + v] - Math.log(0.75 * pa(v) + 0.25 * pb(v))));
    }
    expect(worst).toBeLessThan(1e-5);
    a.dispose(); b.dispose(); f.dispose();
  });

  it('refuses mismatched members (different frozen table) with one clear line, exit 2, nothing written', async () => {
    const out = join(DIR, 'bad-fused');
    const r = await runGlyphlm(['fuse', SRC, RB, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^glyphlm: fuseModels: member 1's input table differs from member 0's \(table fingerprint [0-9a-f]+… vs [0-9a-f]+…\): fusion needs members trained on one frozen table$/);
    expect(existsSync(out)).toBe(false);
    for (const [args, re] of [
      [['fuse', SRC, '-o', out], /give at least two checkpoints/],
      [['fuse', SRC, GROWN, '-o', out, '--weights', '1,2,3'], /--weights: 3 weights for 2 checkpoints/],
      [['fuse', SRC, join(DIR, 'fused'), '-o', out], /is a fused model/],
    ] as Array<[string[], RegExp]>) {
      const b = await runGlyphlm(args);
      expect(b.code, b.stderr).toBe(2);
      expect(b.stderr).toMatch(re);
    }
    expect(existsSync(out)).toBe(false);
  });
});
