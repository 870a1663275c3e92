// The training contract from the built package in plain Node ESM (no vitest transform): train() with a directory
// checkpointDir (the Node adapter loaded on demand from dist/), resume, the progress printer and the metrics log.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = existsSync(join(pkg, 'dist', 'train', 'train.js')) && existsSync(join(pkg, 'dist', 'node', 'train-progress.js'));
if (!built) console.warn('train-dist.test skipped: dist/ not built (pnpm --filter @glyphlm/trainer build)');

describe.skipIf(!built)('dist/ in plain Node', () => {
  it('train() writes and resumes a checkpoint directory; progress line and JSONL log', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-train-dist-'));
    try {
      const script = `
        import { train } from '@glyphlm/trainer';
        import { progressPrinter, metricsLog } from '@glyphlm/trainer/node';
        import { createModel, useBackend } from '@glyphlm/transformer-core';
        import { readFileSync } from 'node:fs';
        await useBackend('wasm');
        const V = 24, mk = (n, s) => Uint32Array.from({ length: n }, (_, i) => ((i * 5 + (i >> 2)) * s) % V);
        const data = { train: mk(3000, 1), val: mk(400, 7), vocabSize: V, meta: { fingerprint: 'f', tokenizerFingerprint: 't' } };
        const cfg = { vocabSize: V, nEmbed: 16, dModel: 32, nLayer: 1, nHead: 2, blockSize: 16 };
        const opts = { data, steps: 6, batchSize: 4, lr: 2e-3, evalEvery: 3, evalBatches: 2, checkpointDir: ${JSON.stringify(dir)}, checkpointEvery: 2 };
        const ac = new AbortController();
        const p = progressPrinter({ stream: process.stdout, peakFlops: 1e10 });
        const log = metricsLog(${JSON.stringify(join(dir, 'metrics.jsonl'))});
        const a = await train({ ...opts, model: createModel(cfg, { embedding: 'trainable', seed: 1 }), signal: ac.signal,
          onProgress: (e) => { p(e); log(e); if (e.step === 3) ac.abort(); } });
        const b = await train({ ...opts, model: createModel(cfg, { embedding: 'trainable', seed: 1 }), resume: true, onProgress: (e) => { p(e); log(e); } });
        const c = await train({ ...opts, checkpointDir: undefined, model: createModel(cfg, { embedding: 'trainable', seed: 1 }) });
        const same = JSON.stringify(b.history.map((e) => [e.loss, e.valLoss])) === JSON.stringify(c.history.map((e) => [e.loss, e.valLoss]));
        const lines = readFileSync(${JSON.stringify(join(dir, 'metrics.jsonl'))}, 'utf8').trim().split('\\n').length;
        console.log('RESULT ' + JSON.stringify({ a: a.step, aborted: a.aborted, b: b.step, resumedFrom: b.resumedFrom, same, lines }));
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, encoding: 'utf8', timeout: 240_000 });
      expect(r.status, r.stderr).toBe(0);
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      expect(JSON.parse(line!.slice(7))).toEqual({ a: 3, aborted: true, b: 6, resumedFrom: 3, same: true, lines: 6 });
      expect(r.stdout).toMatch(/step 3\/6 \| loss \d\.\d{4} \| val \d\.\d{4} \| lr .* tok\/s \| MFU \d+\.\d%/);
      expect(r.stdout).toMatch(/step 6\/6 \| loss .* saved step-000006/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
