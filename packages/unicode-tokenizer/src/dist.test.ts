// The built package (dist/index.js) works from plain Node 20 ESM, with no bundler or flags.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

test.skipIf(!existsSync(dist) && !process.env.CI)('dist/index.js is importable by plain Node and keeps the contract', () => {
  const script = `
    const { bvv241, fromHuggingFace, tokenizerStats } = await import(${JSON.stringify(dist)});
    const tok = bvv241('2-3');
    const ids = [...tok.encode('hello the test')];
    const hf = fromHuggingFace(tok.toHuggingFaceJSON());
    const lossless = bvv241('2-3', { lossless: true });
    console.log(JSON.stringify({ vocab: tok.vocabSize, max: bvv241('max').vocabSize, ids, unk: tok.specialTokens['<unk>'],
      same: [...hf.encode('hello the test')].join() === ids.join(), rt: lossless.decode(lossless.encode('😀\\ud800')) === '😀\\ud800',
      ell: tok.tokenString(56035), stats: tokenizerStats(tok, ['hello the test']).overall.tokens }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({
    vocab: 65536, max: 131072, ids: [104, 56035, 111, 32, 57811, 32, 116, 56117], unk: 57347, same: true, rt: true, ell: 'ell', stats: 8,
  });
});
