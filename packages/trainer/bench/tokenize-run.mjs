// One measurement of the tokenizing bench, in its own fresh process: `node tokenize-run.mjs <mode> <dir>` reads
// the bench's text files and prints one JSON line {mode, bytes, tokens, seconds, sinceStart, cpuSeconds,
// pageFaults (minor faults: fresh memory touched, ~12 µs per 4 KiB page on these VMs)}. Modes: tiktoken
// (wasm, o200k_base, one thread), glyphlm-1 (tokenizeCorpus on the main thread), glyphlm-2 (tokenizeFiles on two
// worker threads). `seconds` covers building the tokenizer, reading the files and tokenizing (and, for glyphlm,
// the split, packing and fingerprint); `sinceStart` adds the process start and module loading.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort().map((f) => join(dir, f));
const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
let tokens = 0;
let t0;
let cpu0;
let faults0;
if (mode === 'tiktoken') {
  const { get_encoding } = await import('tiktoken');
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  faults0 = process.resourceUsage().minorPageFault;
  const enc = get_encoding('o200k_base');
  for (const f of files) tokens += enc.encode_ordinary(readFileSync(f, 'utf8')).length;
  enc.free();
} else if (mode === 'glyphlm-1' || mode === 'glyphlm-2') {
  const { bvv241 } = await import('@glyphlm/unicode-tokenizer');
  const { tokenizeCorpus } = await import('../dist/index.js');
  const { tokenizeFiles } = await import('../dist/node/index.js');
  t0 = performance.now();
  cpu0 = process.cpuUsage();
  faults0 = process.resourceUsage().minorPageFault;
  const tok = bvv241('2-3');
  const data = mode === 'glyphlm-1'
    ? tokenizeCorpus(tok, files.map((f) => readFileSync(f, 'utf8')), { valFraction: 0.1 })
    : await tokenizeFiles(tok, files, { valFraction: 0.1, workers: 2 });
  tokens = data.train.length + data.val.length - data.meta.documents.train - data.meta.documents.val; // without separators
} else {
  throw new Error(`tokenize-run: unknown mode ${mode}`);
}
const end = performance.now();
const cpu = process.cpuUsage(cpu0); // all threads of the process
const pageFaults = process.resourceUsage().minorPageFault - faults0; // fresh memory touched, in 4 KiB pages
console.log(JSON.stringify({ mode, bytes, tokens, seconds: (end - t0) / 1000, sinceStart: end / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, pageFaults }));
