// Runs train.mjs as a user would (a child process on text files written here) at a tiny setting and checks what
// it reports: the loss fell, validation ran, MMLU was scored on the requested items under both protocols, a sample
// was generated, and the saved checkpoint + glyphlm-tokenizer.json load back and reproduce the sample.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { compactVocabulary } from '@glyphlm/trainer';
import { loadCheckpoint, useBackend } from '@glyphlm/transformer-core';

const dir = mkdtempSync(join(tmpdir(), 'glyphlm-node-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// two files of seeded sentences (the example reads globs of the user's files)
function sentences(seed, n) {
  const words = ['the', 'glyph', 'model', 'reads', 'small', 'pictures', 'of', 'letters', 'and', 'learns', 'words', 'above', 'them', 'slowly', 'a', 'frozen', 'table'];
  let s = seed;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const w = Array.from({ length: 4 + Math.floor(rnd() * 6) }, () => words[Math.floor(rnd() * words.length)]);
    return w[0][0].toUpperCase() + w.join(' ').slice(1) + '.';
  }).join(' ');
}

it('trains, scores MMLU, samples and saves a checkpoint the browser example can load', async () => {
  writeFileSync(join(dir, 'a.txt'), sentences(1, 600));
  writeFileSync(join(dir, 'b.txt'), sentences(2, 200));
  const out = join(dir, 'model');
  const stdout = execFileSync(process.execPath, ['train.mjs', join(dir, '*.txt'), '--steps', '30', '--batch', '4', '--block', '64',
    '--dmodel', '64', '--layers', '2', '--mmlu-subjects', '2', '--mmlu-items', '2', '--out', out, '--prompt', 'The glyph', '--json'],
  { cwd: import.meta.dirname, encoding: 'utf8', timeout: 150_000 });
  const r = JSON.parse(stdout.trim().split('\n').at(-1));
  expect(r.steps).toBe(30);
  expect(r.lastLoss).toBeLessThan(r.firstLoss - 0.5);
  expect(Number.isFinite(r.valLoss)).toBe(true);
  expect(r.vocab).toBeGreaterThan(17);
  for (const p of ['harness', 'paper']) {
    expect(r.mmlu[p].n).toBe(4);
    expect(r.mmlu[p].accuracy).toBeGreaterThanOrEqual(0);
    expect(r.mmlu[p].accuracy).toBeLessThanOrEqual(1);
  }
  expect(r.sample.length).toBeGreaterThan(0);
  expect(stdout).toMatch(/MMLU harness: .* of 4 \[/);

  // the saved model with its tokenizer reference reproduces the printed sample
  const side = JSON.parse(readFileSync(join(out, 'glyphlm-tokenizer.json'), 'utf8'));
  const tok = compactVocabulary(bvv241('2-3'), Uint32Array.from(side.compact.ids)).tokenizer;
  expect(tok.fingerprint).toBe(side.compact.fingerprint);
  await useBackend('wasm');
  const model = await loadCheckpoint(out);
  const ids = [], prompt = [...tok.encode('The glyph')];
  for await (const id of model.generate(prompt, { maxNewTokens: 64 - prompt.length, temperature: 0.8, topK: 40, seed: 1 })) ids.push(id);
  expect(tok.decode(ids)).toBe(r.sample);
  model.dispose();
}, 180_000);
