// pnpm bench for @glyphlm/mmlu-eval: the harness protocol (5-shot, shots dropped to fit) on the bundled MMLU
// (hendrycks/test pre-release), `bvv-tiny` with seeded random weights and a frozen random table, bvv241-2-3 ids.
// Our path (evaluate(): subject-sorted requests, one item per batch, prefix KV cache carried across batches) against,
// in the same run, (a) the same evaluate() with the prefix cache off and (b) the PyTorch twin scoring the same
// requests naively (interop/python/score_requests.py: one full forward per request). Prints requests/s, both ratios,
// the log-likelihood agreement with PyTorch, and the projected time for the whole test split.
// Env: BENCH_ITEMS (items per subject for our path, default 10), BENCH_PEER_ITEMS (items per subject for the slow
// peers, default 2: the same first items), BENCH_THREADS (torch threads, default 2).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useBackend, createModel, presets, saveCheckpoint } from '@glyphlm/transformer-core';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { loadMMLU, evaluate, harnessRequests, harnessDescription, selectItems } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const scorer = join(here, '../../../interop/python/score_requests.py');
const ITEMS = Number(process.env.BENCH_ITEMS ?? 10);
const PEER_ITEMS = Number(process.env.BENCH_PEER_ITEMS ?? 2);
const THREADS = Number(process.env.BENCH_THREADS ?? 2);
const SHOTS = 5;

function table(rows, dim, seed) {
  const data = new Float32Array(rows * dim);
  let s = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = (s / 2 ** 32 - 0.5) * 0.1;
  }
  return { rows, dim, data, meta: { recipe: 'bench-random' } };
}

async function timed(f) {
  const t0 = performance.now();
  const r = await f();
  return { r, s: (performance.now() - t0) / 1000 };
}

const backend = await useBackend('wasm');
const tok = bvv241('2-3');
const mmlu = await loadMMLU();
const cfg = presets['bvv-tiny'];
const model = createModel(cfg, { embedding: table(cfg.vocabSize, cfg.nEmbed, 1), seed: 1 });
console.log(`mmlu-eval bench: harness ${SHOTS}-shot, ${mmlu.source}; bvv-tiny (random weights, frozen random table), ${tok.name}, backend ${backend}, ${cpus().length} cores`);

const opts = { protocol: 'harness', split: 'test', shots: SHOTS };
await evaluate(model, tok, mmlu, { ...opts, subjects: ['anatomy'], limitPerSubject: 2 }); // warm-up

// ours on ITEMS x 57 (wall time of the whole call: tokenization, fingerprint and scoring)
const ours = await timed(() => evaluate(model, tok, mmlu, { ...opts, limitPerSubject: ITEMS }));
const oursReq = ours.r.timing.requests;
const oursRps = oursReq / ours.s;
console.log(`ours, prefix cache on:  ${ours.r.items.length} items, ${oursReq} requests in ${ours.s.toFixed(1)} s = ${oursRps.toFixed(1)} requests/s (shots reduced on ${ours.r.counts.shotsReduced} items, truncated ${ours.r.counts.truncated})`);

// the peers' subset: the first PEER_ITEMS items of each subject, ours measured on it too
const sub = await timed(() => evaluate(model, tok, mmlu, { ...opts, limitPerSubject: PEER_ITEMS }));
const subReq = sub.r.timing.requests;
const subRps = subReq / sub.s;
console.log(`ours on the peers' subset (${PEER_ITEMS} x ${mmlu.subjects.length}): ${subReq} requests in ${sub.s.toFixed(1)} s = ${subRps.toFixed(1)} requests/s`);
const off = await timed(() => evaluate(model, tok, mmlu, { ...opts, limitPerSubject: PEER_ITEMS, prefixCache: false }));
const offRps = subReq / off.s;
console.log(`(a) ours, prefix cache off: ${subReq} requests in ${off.s.toFixed(1)} s = ${offRps.toFixed(1)} requests/s`);

// (b) PyTorch twin, naive: the same requests (built exactly as evaluate builds them)
const tmp = mkdtempSync(join(tmpdir(), 'mmlu-bench-'));
let torch = null;
try {
  await saveCheckpoint(model, join(tmp, 'ckpt'));
  const items = selectItems(mmlu, 'test', mmlu.subjects, PEER_ITEMS);
  const dev = new Map(mmlu.subjects.map((s) => [s, mmlu.dev.filter((d) => d.subject === s).sort((a, b) => a.index - b.index).slice(0, SHOTS)]));
  const requests = [];
  for (const it of items) {
    const r = harnessRequests(tok, it, { shots: SHOTS, dev: dev.get(it.subject), description: harnessDescription(it.subject), blockSize: cfg.blockSize, truncate: true });
    for (const c of r.continuations) requests.push({ context: r.context, continuation: c });
  }
  writeFileSync(join(tmp, 'requests.json'), JSON.stringify({ requests }));
  const out = execFileSync('/usr/bin/python3', [scorer, '--ckpt', join(tmp, 'ckpt'), '--requests', join(tmp, 'requests.json'), '--out', join(tmp, 'logliks.json'), '--threads', String(THREADS)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  torch = JSON.parse(out.trim().split('\n').at(-1));
  const tl = JSON.parse(readFileSync(join(tmp, 'logliks.json'), 'utf8')).logliks;
  const ol = sub.r.items.flatMap((i) => i.logliks);
  let maxDiff = 0;
  for (let i = 0; i < tl.length; i++) maxDiff = Math.max(maxDiff, Math.abs(tl[i] - ol[i]));
  console.log(`(b) PyTorch ${torch.torch} naive, ${torch.threads} threads: ${torch.requests} requests in ${torch.seconds.toFixed(1)} s = ${torch.requestsPerSec.toFixed(1)} requests/s; max |loglik TS - torch| = ${maxDiff.toExponential(2)} over ${tl.length} requests`);
  if (!(maxDiff < 1e-3)) console.log('WARNING: TS and PyTorch log-likelihoods disagree');
} catch (e) {
  console.log(`(b) PyTorch twin unavailable: ${e.message.split('\n')[0]}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('');
console.log(`ratio vs (a) prefix cache off, same ${subReq} requests: ${(subRps / offRps).toFixed(1)}x (ours on ${ITEMS} x 57: ${(oursRps / offRps).toFixed(1)}x)`);
if (torch) console.log(`ratio vs (b) PyTorch naive, same ${subReq} requests: ${(subRps / torch.requestsPerSec).toFixed(1)}x (ours on ${ITEMS} x 57: ${(oursRps / torch.requestsPerSec).toFixed(1)}x)`);
const fullReq = mmlu.test.length * 4;
const proj = (rps) => `${(fullReq / rps / 60).toFixed(1)} min`;
console.log(`projected whole test split (${mmlu.test.length} items, ${fullReq} requests, bvv-tiny, 1 core): ours ${proj(oursRps)}; (a) ${proj(offRps)}${torch ? `; (b) ${proj(torch.requestsPerSec)}` : ''}`);
model.dispose();
