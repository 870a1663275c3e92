// End-to-end test of the browser example in real chromium (playwright-core, /usr/bin/chromium, SwiftShader
// WebGPU): builds the app with vite, serves dist/ and a checkpoint written here with transformer-core, and checks
// that the page's greedy token stream, harness log-likelihoods, paper output and embedding neighbours equal the
// same computations in Node; trains a few steps in the Train tab while the page keeps painting; repeats the run
// without WebGPU (wasm, with the note on screen). Screenshots go to screenshots/ (gitignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createModel, saveCheckpoint, useBackend, type GPT } from '@glyphlm/transformer-core';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { nearest } from '@glyphlm/glyph-embeddings';
import { evaluate, loadMMLU, type McqDataset } from '@glyphlm/mmlu-eval';
import { serve } from '../server/static.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') throw new Error(`no chromium at ${CHROMIUM} (scripts/setup.sh installs it)`);
if (!haveChromium) console.warn(`examples/browser: no chromium at ${CHROMIUM}; the browser test is skipped`);

const here = resolve(import.meta.dirname, '..');
const shots = join(here, 'screenshots');
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const PROMPT = 'The frozen glyph';
const NEW_TOKENS = 24;
const WEBGPU_TOKENS = 4;
const SUBJECT = 'high_school_geography';
const ITEM = 3;
const INSPECT = 'The cat sat on the mat.';

let tmp: string;
let server: { url: string; close(): Promise<void> };
let model: GPT;
const tok = bvv241('2-3');
let nodeGreedy: number[];
let nodeLogliks: number[];
let nodePaper: string;
const browsers: Browser[] = [];
const consoleErrors: string[] = [];

function seededTable(rows: number, dim: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return new Float32Array(rows * dim).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

async function open(browser: Browser, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  await page.goto(server.url + query);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60_000 });
  return page;
}

async function loadAndGenerate(page: Page, newTokens: number): Promise<{ ids: number[]; firstTokenMs: number }> {
  await page.waitForSelector('#run-select[data-count="1"]');
  await page.click('#load-run');
  await page.waitForSelector('#load-info[data-state=loaded]', { timeout: 60_000 });
  expect(await page.$eval('#load-progress', (p) => (p as HTMLProgressElement).value === (p as HTMLProgressElement).max && (p as HTMLProgressElement).max > 1e6)).toBe(true);
  await page.fill('#prompt', PROMPT);
  await page.fill('#temperature', '0');
  await page.fill('#max-tokens', String(newTokens));
  await page.click('#generate');
  await page.waitForSelector('#run-output[data-state=done]', { timeout: 150_000 });
  const ids = JSON.parse((await page.getAttribute('#run-output', 'data-ids'))!) as number[];
  const firstTokenMs = Number(await page.getAttribute('#run-output', 'data-first-token-ms'));
  expect(await page.textContent('#run-output')).toBe(tok.decode(ids));
  return { ids, firstTokenMs };
}

describe.skipIf(!haveChromium)('browser example in chromium', () => {
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'glyphlm-browser-'));
    await build({ root: here, configFile: join(here, 'vite.config.ts'), logLevel: 'error' });
    // a small frozen-table model over the full bvv241-2-3 vocabulary, its greedy stream and one MMLU item in Node
    await useBackend('wasm');
    const config = { vocabSize: tok.vocabSize, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 256 };
    model = createModel(config, { embedding: { rows: tok.vocabSize, dim: 16, data: seededTable(tok.vocabSize, 16, 7), meta: { recipe: 'test-random' } }, seed: 3 });
    await saveCheckpoint(model, join(tmp, 'runs', 'test-run', 'final'));
    nodeGreedy = [];
    for await (const id of model.generate([...tok.encode(PROMPT)], { maxNewTokens: NEW_TOKENS })) nodeGreedy.push(id);
    const mmlu = await loadMMLU();
    const item = mmlu.test.find((it) => it.subject === SUBJECT && it.index === ITEM)!;
    const one: McqDataset = { ...mmlu, subjects: [SUBJECT], dev: mmlu.dev.filter((d) => d.subject === SUBJECT), val: [], test: [item] };
    nodeLogliks = (await evaluate(model, tok, one, { protocol: 'harness', shots: 5, modelFingerprint: 'node' })).items[0].logliks!;
    nodePaper = (await evaluate(model, tok, one, { protocol: 'paper', modelFingerprint: 'node' })).items[0].output!;
    server = await serve(join(here, 'dist'), join(tmp, 'runs'));
  });

  afterAll(async () => {
    for (const b of browsers) await b.close();
    await server?.close();
    model?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('webgpu (SwiftShader): streams the same greedy tokens as Node', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...BASE_ARGS, '--enable-unsafe-webgpu'] });
    browsers.push(browser);
    const page = await open(browser);
    expect(await page.textContent('#backend-note')).toBe('backend: webgpu');
    // SwiftShader compiles shaders for every new sequence length: a few tokens take tens of seconds here
    const run = await loadAndGenerate(page, WEBGPU_TOKENS);
    expect(run.ids).toEqual(nodeGreedy.slice(0, WEBGPU_TOKENS));
    await page.screenshot({ path: join(shots, 'run-webgpu.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('without WebGPU: falls back to wasm with a visible note; same tokens, neighbours and scores as Node; trains in a worker', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: BASE_ARGS });
    browsers.push(browser);
    const page = await open(browser);
    const note = await page.textContent('#backend-note');
    expect(note).toMatch(/WebGPU .*: running on wasm/);
    expect(await page.isVisible('#backend-note')).toBe(true);
    const run = await loadAndGenerate(page, NEW_TOKENS);
    expect(run.ids).toEqual(nodeGreedy);
    await page.screenshot({ path: join(shots, 'run-wasm.png') });

    // Inspect: glyph pictures with ink, neighbours equal to Node's over the same tables
    await page.click('#tab-inspect');
    await page.fill('#inspect-text', INSPECT);
    await page.click('#inspect-go');
    const ids = [...tok.encode(INSPECT)];
    await page.waitForSelector(`#token-strip[data-count="${ids.length}"]`);
    const inked = await page.$$eval('#token-strip canvas', (cs) => cs.map((c) => {
      const d = (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] < 128) ink++;
      return ink;
    }));
    expect(inked.length).toBe(ids.length);
    expect(inked.filter((n) => n > 0).length).toBeGreaterThanOrEqual(ids.length - 2); // spaces may be blank
    await page.click('#token-strip .token:nth-child(3)');
    await page.waitForSelector('#neighbours[data-state=done]');
    const lists = await page.$$eval('#neighbours ol', (ols) => ols.map((ol) => [...ol.querySelectorAll('code')].map((c) => c.textContent)));
    const sd = await model.stateDict();
    const rows = (n: string) => { const t = sd.get(n)!; return { rows: t.shape[0], dim: t.shape[1], data: t.data as Float32Array }; };
    const expected = ['tok_embedding.weight', 'lm_head.weight'].map((n) => nearest(rows(n), ids[2], 10).map((x) => JSON.stringify(tok.tokenString(x.id))));
    expect(lists).toEqual(expected);
    await page.screenshot({ path: join(shots, 'inspect.png') });

    // Score: one MMLU question, both protocols, against Node
    await page.click('#tab-score');
    await page.waitForSelector(`#score-subject option[value=${SUBJECT}]`, { state: 'attached', timeout: 60_000 });
    await page.selectOption('#score-subject', SUBJECT);
    await page.fill('#score-index', String(ITEM));
    await page.click('#score-go');
    await page.waitForSelector('#score-result[data-state=done]', { timeout: 60_000 });
    const logliks = JSON.parse((await page.getAttribute('#score-result', 'data-logliks'))!) as number[];
    expect(logliks).toHaveLength(4);
    logliks.forEach((v, i) => expect(Math.abs(v - nodeLogliks[i])).toBeLessThan(2e-3));
    expect(await page.getAttribute('#score-result', 'data-paper-output')).toBe(nodePaper);
    await page.screenshot({ path: join(shots, 'score.png') });

    // Train: a few steps in the worker; the page keeps painting (longest main-thread gap) and then generates
    await page.click('#tab-train');
    await page.fill('#train-steps', '12');
    await page.evaluate(() => (globalThis as unknown as { glyphlmHeartbeat: { reset(): void } }).glyphlmHeartbeat.reset());
    await page.click('#train-go');
    await page.waitForSelector('#train-status[data-state=trained]', { timeout: 150_000 });
    const gap = await page.evaluate(() => (globalThis as unknown as { glyphlmHeartbeat: { maxGapMs: number } }).glyphlmHeartbeat.maxGapMs);
    expect(gap).toBeLessThan(1000);
    const losses = JSON.parse((await page.getAttribute('#train-status', 'data-losses'))!) as number[];
    expect(losses).toHaveLength(12);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[11]).toBeLessThan(losses[0]);
    expect(await page.$$eval('#loss-curve svg path', (p) => p.length)).toBeGreaterThan(0);
    await page.click('#train-generate');
    await page.waitForSelector('#train-output[data-state=done]', { timeout: 60_000 });
    expect(JSON.parse((await page.getAttribute('#train-output', 'data-ids'))!).length).toBeGreaterThan(0);
    await page.screenshot({ path: join(shots, 'train.png') });
    expect(consoleErrors).toEqual([]);
  });
});
