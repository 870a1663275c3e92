// train() in Node: checkpoint directories on disk (layout, no temp leftovers), bit-exact resume from a directory with
// workers 1 and 2 (and workers 2 = workers 1 to float32 tolerance), a real child process SIGKILLed in the middle of
// a save leaving the previous checkpoint loadable (and the resumed run equal to the uninterrupted one), and the
// progress printer / JSONL metrics log.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { build } from 'esbuild';
import { useBackend, createModel, type GPT, type ModelConfig, type EmbeddingMatrix } from '@glyphlm/transformer-core';
import type { CorpusData } from '../data/types.js';
import { hash32 } from '../data/sampler.js';
import { train, type HistoryEntry, type TrainOptions, type ProgressEvent } from '../train/index.js';
import { progressPrinter, metricsLog, formatProgressLine, formatDuration, mfu } from './train.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', '..');
const cfg: ModelConfig = { vocabSize: 48, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 16 };

function stream(n: number, V: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  let x = hash32(seed);
  for (let i = 0; i < n; i++) {
    x = hash32(x + i);
    a[i] = i === 0 || x % 5 === 0 ? x % V : (a[i - 1] + 1) % V;
  }
  return a;
}

function corpus(V = cfg.vocabSize): CorpusData {
  const train = stream(5000, V, 1);
  const val = stream(800, V, 2);
  return {
    train, val, vocabSize: V,
    meta: {
      tokenizer: 'test', tokenizerFingerprint: 'tok', fingerprint: 'node-test-data', separatorId: 0,
      documents: { train: 1, val: 1 }, chars: 5800, tokens: { train: 5000, val: 800 },
    },
  };
}

function table(c: ModelConfig): EmbeddingMatrix {
  const data = new Float32Array(c.vocabSize * c.nEmbed);
  for (let i = 0; i < data.length; i++) data[i] = hash32(i + 17) / 2 ** 32 - 0.5;
  return { rows: c.vocabSize, dim: c.nEmbed, data };
}

function numbers(h: HistoryEntry[]) {
  return h.map(({ step, loss, valLoss, lr, gradNorm, tokens }) => ({ step, loss, valLoss, lr, gradNorm, tokens }));
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

async function expectSameWeights(a: GPT, b: GPT): Promise<void> {
  const [sa, sb] = [await a.stateDict(), await b.stateDict()];
  for (const [k, t] of sa) expect(bits(sb.get(k)!.data), k).toEqual(bits(t.data));
}

const options = (model: GPT, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  model, data: corpus(), steps: 8, batchSize: 4, blockSize: 12, seed: 3, lr: 3e-3, minLr: 3e-4, warmupSteps: 2,
  weightDecay: 0.1, gradClip: 1, gradAccumSteps: 2, dropout: 0, evalEvery: 3, evalBatches: 2, ...extra,
});

// workers: 2 runs when the Node adapter's worker engine exists and its worker script is built (dist/)
const workerEngineReady = existsSync(join(pkg, 'dist', 'node', 'parallel-worker.js')) &&
  typeof ((await import('./parallel.js')) as Record<string, unknown>).createWorkerEngine === 'function';
if (!workerEngineReady) console.warn('train.test: workers: 2 cases skipped (no createWorkerEngine or dist/node/parallel-worker.js: run pnpm --filter @glyphlm/trainer build)');

let root: string;
beforeAll(async () => {
  await useBackend('wasm');
  root = mkdtempSync(join(tmpdir(), 'glyphlm-train-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('checkpoint directories', () => {
  for (const workers of workerEngineReady ? [1, 2] : [1]) {
    it(`stopped at step 4 and resumed from the directory: the same history and weights bit for bit (workers ${workers})`, async () => {
      const make = () => createModel(cfg, { embedding: table(cfg), seed: 5 });
      const full = make();
      const whole = await train(options(full, { workers, checkpointDir: join(root, `full-${workers}`) }));
      const dir = join(root, `parts-${workers}`);
      const first = make();
      const ac = new AbortController();
      const part = await train(options(first, { workers, checkpointDir: dir, checkpointEvery: 3, signal: ac.signal, onProgress: (e) => { if (e.step === 4) ac.abort(); } }));
      expect(part.step).toBe(4);
      expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-000003', 'step-000004']);
      expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toEqual({ step: 4, dir: 'step-000004' });
      expect(readdirSync(join(dir, 'step-000004')).sort()).toEqual(['config.json', 'model.safetensors', 'optimizer.safetensors', 'trainer.json']);
      const tj = JSON.parse(readFileSync(join(dir, 'step-000004', 'trainer.json'), 'utf8'));
      expect(tj).toMatchObject({ format: 'glyphlm-trainer', version: 1, step: 4, sampler: { seed: 3, nextStep: 4 }, engine: { workers } });
      expect(tj.data).toEqual({ fingerprint: 'node-test-data', tokenizerFingerprint: 'tok', trainTokens: 5000, valTokens: 800 });
      first.dispose();
      const second = make();
      const rest = await train(options(second, { workers, checkpointDir: dir, checkpointEvery: 3, resume: true }));
      expect(numbers(rest.history)).toEqual(numbers(whole.history));
      await expectSameWeights(second, full);
      expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-000006', 'step-000008']);
      full.dispose();
      second.dispose();
    });
  }

  it.skipIf(!workerEngineReady)('workers: 2 gives the losses of workers: 1 on the same global batch (float32 tolerance)', async () => {
    const runs: HistoryEntry[][] = [];
    for (const workers of [1, 2]) {
      const m = createModel(cfg, { embedding: 'trainable', seed: 5 });
      runs.push((await train(options(m, { workers }))).history);
      m.dispose();
    }
    runs[0].forEach((e, i) => {
      expect(Math.abs(runs[1][i].loss - e.loss)).toBeLessThan(1e-4 * e.loss);
      if (e.valLoss !== undefined) expect(Math.abs(runs[1][i].valLoss! - e.valLoss)).toBeLessThan(1e-4 * e.valLoss);
    });
  });
});

/** Bundles a child script (the src of the loop + a storage that pauses at one point of the second save). */
async function childScript(dir: string): Promise<string> {
  const entry = join(dir, 'child.ts');
  const out = join(pkg, 'node_modules', '.cache', 'train-kill-test', `child-${process.pid}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  const src = `
import { writeFileSync } from 'node:fs';
import { useBackend, createModel } from '@glyphlm/transformer-core';
import { train } from ${JSON.stringify(join(pkg, 'src/train/index.ts'))};
import { nodeCheckpointStorage } from ${JSON.stringify(join(pkg, 'src/node/train-storage.ts'))};
const [dir, pauseAt, optsJson] = process.argv.slice(2);
const o = JSON.parse(optsJson);
await useBackend('wasm');
const fs = nodeCheckpointStorage(dir);
let saves = 0;
const hang = (what) => { process.stdout.write('PAUSED ' + what + '\\n'); return new Promise(() => {}); };
// the real directory storage, paused (never resumed: the parent SIGKILLs us) inside the second save
const storage = {
  location: fs.location, read: fs.read, list: fs.list, remove: fs.remove,
  async write(path, data) {
    if (path.endsWith('/model.safetensors')) saves++;
    if (saves === 2 && pauseAt === 'half-written' && path.endsWith('/optimizer.safetensors')) {
      writeFileSync(dir + '/' + path, data.subarray(0, data.length >> 1)); // a real, half-written file
      return hang(path);
    }
    return fs.write(path, data);
  },
  async rename(from, to) {
    if (saves === 2 && pauseAt === 'before-latest' && to === 'latest.json') return hang(to);
    return fs.rename(from, to);
  },
};
const table = { rows: o.cfg.vocabSize, dim: o.cfg.nEmbed, data: Float32Array.from(o.table) };
const model = createModel(o.cfg, { embedding: table, seed: 5 });
const data = { ...o.data, train: Uint32Array.from(o.data.train), val: Uint32Array.from(o.data.val) };
await train({ ...o.train, model, data, checkpointDir: storage, onProgress: (e) => process.stdout.write('STEP ' + e.step + '\\n') });
process.stdout.write('FINISHED\\n');
`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(entry, src);
  await build({
    entryPoints: [entry], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error',
    external: ['@glyphlm/transformer-core', '@glyphlm/tensor-io', '@glyphlm/unicode-tokenizer', 'cli-progress'],
  });
  return out;
}

/** Runs the child until it prints PAUSED, then SIGKILLs it. Resolves with its stdout. */
function runAndKill(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('PAUSED')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(out);
      else reject(new Error(`child exited with ${code} before pausing:\n${out}\n${err}`));
    });
  });
}

describe('a process killed in the middle of a save', () => {
  for (const pauseAt of ['half-written', 'before-latest'] as const) {
    it(`leaves the previous checkpoint loadable, and resuming gives the uninterrupted history (${pauseAt})`, async () => {
      const dir = join(root, `kill-${pauseAt}`);
      mkdirSync(dir, { recursive: true });
      const d = corpus();
      const trainOpts = { steps: 6, batchSize: 4, blockSize: 12, seed: 3, lr: 3e-3, minLr: 3e-4, warmupSteps: 2, weightDecay: 0.1, gradClip: 1, gradAccumSteps: 2, dropout: 0.1, evalEvery: 3, evalBatches: 2, checkpointEvery: 2 };
      const payload = JSON.stringify({ cfg, table: [...table(cfg).data], data: { ...d, train: [...d.train], val: [...d.val] }, train: trainOpts });
      const script = await childScript(root);
      let out: string;
      try {
        out = await runAndKill(script, [dir, pauseAt, payload]);
      } finally {
        rmSync(script, { force: true });
      }
      expect(out).toContain('STEP 3'); // the step-4 event comes after its checkpoint
      expect(out).not.toContain('STEP 4');
      expect(out).toMatch(pauseAt === 'half-written' ? /PAUSED step-000004\.tmp-\w+\/optimizer\.safetensors/ : /PAUSED latest\.json/);
      expect(out).not.toContain('FINISHED');
      // on disk: latest.json still names step 2, which is complete
      expect(JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8'))).toEqual({ step: 2, dir: 'step-000002' });
      const names = readdirSync(dir).sort();
      if (pauseAt === 'half-written') {
        expect(names.some((n) => /^step-000004\.tmp-/.test(n))).toBe(true);
        const tmp = names.find((n) => /^step-000004\.tmp-/.test(n))!;
        expect(statSync(join(dir, tmp, 'optimizer.safetensors')).size).toBeGreaterThan(0);
        expect(names).not.toContain('step-000004');
      } else {
        expect(names).toContain('step-000004'); // complete but never named by latest.json
        expect(names.some((n) => /^latest\.json\.tmp-/.test(n))).toBe(true);
      }
      // resume here (same process as the uninterrupted run below) from step 2
      const resumed = createModel(cfg, { embedding: table(cfg), seed: 5 });
      const run = await train({ ...trainOpts, model: resumed, data: d, checkpointDir: dir, resume: true });
      expect(run.resumedFrom).toBe(2);
      const fresh = createModel(cfg, { embedding: table(cfg), seed: 5 });
      const whole = await train({ ...trainOpts, model: fresh, data: d });
      expect(numbers(run.history)).toEqual(numbers(whole.history));
      await expectSameWeights(resumed, fresh);
      expect(readdirSync(dir).sort()).toEqual(['latest.json', 'step-000004', 'step-000006']); // leftovers cleaned
      resumed.dispose();
      fresh.dispose();
    });
  }
});

/** A writable that records what is written, optionally posing as a TTY. */
function sink(isTTY: boolean): Writable & { text: string; isTTY: boolean; columns: number } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      (w as unknown as { text: string }).text += String(chunk);
      cb();
    },
  }) as Writable & { text: string; isTTY: boolean; columns: number };
  w.text = '';
  w.isTTY = isTTY;
  w.columns = 120;
  return w;
}

const event = (step: number, extra: Partial<ProgressEvent> = {}): ProgressEvent => ({
  step, steps: 10, loss: 2.5 - step / 10, lr: 1e-3, gradNorm: 1, tokens: step * 1000, tokensPerSecond: 2000,
  elapsedMs: step * 500, etaMs: (10 - step) * 500, flopsPerToken: 5e6, workers: 2, ...extra,
});

describe('feedback', () => {
  it('formats durations, MFU and the plain line', () => {
    expect(formatDuration(75_000)).toBe('1m15s');
    expect(formatDuration(3_725_000)).toBe('1h02m');
    expect(formatDuration(9_400)).toBe('9s');
    expect(mfu(event(1), 10e9)).toBeCloseTo((2000 * 5e6) / 20e9, 12);
    expect(mfu(event(1))).toBeUndefined();
    expect(formatProgressLine(event(4, { valLoss: 2.25, checkpoint: 'step-000004' }), 10e9))
      .toBe('step 4/10 | loss 2.1000 | val 2.2500 | lr 1.00e-3 | 2000 tok/s | MFU 50.0% | elapsed 2s | ETA 3s | saved step-000004');
  });

  it('prints one plain line per evaluation (and the last step) when not a TTY', () => {
    const s = sink(false);
    const p = progressPrinter({ stream: s });
    for (let i = 1; i <= 10; i++) p(event(i, i % 5 === 0 ? { valLoss: 2 } : {}));
    expect(s.text.trim().split('\n').map((l) => l.split(' | ')[0])).toEqual(['step 5/10', 'step 10/10']);
    expect(s.text).not.toContain('\x1b');
  });

  it('draws a live line with step, loss, tok/s, MFU and ETA on a TTY, eval lines kept above it', () => {
    const s = sink(true);
    const p = progressPrinter({ stream: s, peakFlops: 10e9 });
    for (let i = 1; i <= 10; i++) p(event(i, i === 5 ? { valLoss: 1.75 } : {}));
    expect(s.text).toContain('\x1b'); // cursor control
    expect(s.text).toMatch(/step 10\/10 .* loss 1\.5000 \| 2000 tok\/s \| MFU 50\.0% \| ETA 0s/);
    expect(s.text).toContain('step 5/10 | loss 2.0000 | val 1.7500');
  });

  it('metricsLog appends one JSON line per step, never rewriting the file', async () => {
    const path = join(root, 'logs', 'metrics.jsonl');
    const m = createModel(cfg, { embedding: 'trainable', seed: 1 });
    await train(options(m, { steps: 3, onProgress: metricsLog(path) }));
    const log = metricsLog(path);
    log(event(99));
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 99]);
    expect(lines[2]).toMatchObject({ steps: 3, workers: 1 });
    expect(typeof lines[2].valLoss).toBe('number');
    expect(typeof lines[0].time).toBe('string');
    m.dispose();
  });
});
