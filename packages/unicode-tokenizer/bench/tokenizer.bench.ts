// Tokenizer benchmark: encode and decode MB/s of bvv241-2-3 and bvv241-max against js-tiktoken (o200k_base),
// tiktoken (wasm, o200k_base) and @huggingface/tokenizers running our exported tokenizer.json, on tiny
// shakespeare and on the UDHR in 50+ languages, all measured in this run; prints the ratios.
import { existsSync, readFileSync } from 'node:fs';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { get_encoding } from 'tiktoken';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { bvv241 } from '../src/index.js';
import { udhrTexts } from '../src/testing/udhr.js';

const SHAKESPEARE = new URL('../../../../shared/data/tinyshakespeare/input.txt', import.meta.url);
const MIN_SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);

interface Encoder { name: string; encode(s: string): ArrayLike<number>; decode(ids: ArrayLike<number>): string }

function corpora(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  if (existsSync(SHAKESPEARE)) out.push({ name: 'tiny shakespeare', text: readFileSync(SHAKESPEARE, 'utf8') });
  else console.log('../shared/data/tinyshakespeare is absent: skipping that corpus');
  const udhr = udhrTexts().filter((u, k, all) => all.findIndex((v) => v.bcp47.split('-')[0] === u.bcp47.split('-')[0]) === k);
  const scripts = new Set<string>();
  const picked = udhr.filter((u) => {
    const m = /\p{Script=Latin}|\p{Script=Cyrillic}|\p{Script=Arabic}|\p{Script=Han}|\p{Script=Devanagari}|\p{Script=Hangul}|\p{Script=Hebrew}|\p{Script=Greek}|\p{Script=Thai}|\p{Script=Armenian}|\p{Script=Georgian}|\p{Script=Bengali}|\p{Script=Tamil}|\p{Script=Ethiopic}|\p{Script=Hiragana}/u.exec(u.text.slice(200, 400));
    if (m) scripts.add(m[0]);
    return true;
  }).slice(0, 120);
  out.push({ name: `UDHR (${picked.length} languages)`, text: picked.map((u) => u.text).join('\n') });
  return out;
}

function time(fn: () => void): number {
  fn(); // warm-up
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < MIN_SECONDS * 1000 || runs < 3) { fn(); runs++; t = performance.now(); }
  return (t - t0) / 1000 / runs;
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

function main() {
  const ours23 = bvv241('2-3'), oursMax = bvv241('max');
  const hf = new HfTokenizer(JSON.parse(ours23.toHuggingFaceJSON()), {});
  const jsTik = new JsTiktoken(o200k);
  const wasmTik = get_encoding('o200k_base');
  const td = new TextDecoder();
  const encoders: Encoder[] = [
    { name: 'glyphlm bvv241-2-3', encode: (s) => ours23.encode(s), decode: (ids) => ours23.decode(ids) },
    { name: 'glyphlm bvv241-max', encode: (s) => oursMax.encode(s), decode: (ids) => oursMax.decode(ids) },
    { name: 'js-tiktoken o200k_base', encode: (s) => jsTik.encode(s), decode: (ids) => jsTik.decode(Array.from(ids)) },
    { name: 'tiktoken (wasm) o200k_base', encode: (s) => wasmTik.encode_ordinary(s), decode: (ids) => td.decode(wasmTik.decode(ids as Uint32Array)) },
    { name: '@huggingface/tokenizers + bvv241-2-3 json', encode: (s) => hf.encode(s, { add_special_tokens: false }).ids, decode: (ids) => hf.decode(Array.from(ids), { clean_up_tokenization_spaces: false }) },
  ];
  for (const { name, text } of corpora()) {
    const mb = bytes(text) / 1e6;
    console.log(`\n== ${name}: ${mb.toFixed(2)} MB, ${text.length.toLocaleString()} UTF-16 units`);
    const rows: Array<{ tokenizer: string; 'encode MB/s': number; 'decode MB/s': number; tokens: number }> = [];
    for (const e of encoders) {
      const isHf = e.name.startsWith('@hugging');
      // tokenizers.js treats the whole text as one word (no pre-tokenizer): measure it on a slice and scale.
      const sample = isHf ? text.slice(0, 100_000) : text;
      const smb = bytes(sample) / 1e6;
      const ids = e.encode(sample);
      const enc = time(() => e.encode(sample));
      const dec = time(() => e.decode(ids));
      rows.push({ tokenizer: e.name + (isHf ? ' (first 100k units)' : ''), 'encode MB/s': +(smb / enc).toFixed(2), 'decode MB/s': +(smb / dec).toFixed(2), tokens: ids.length });
    }
    console.table(rows);
    const peers = rows.slice(2);
    const bestEnc = Math.max(...peers.map((r) => r['encode MB/s'])), bestDec = Math.max(...peers.map((r) => r['decode MB/s']));
    for (const r of rows.slice(0, 2)) {
      console.log(`${r.tokenizer}: encode ${(r['encode MB/s'] / bestEnc).toFixed(2)}x the fastest peer, decode ${(r['decode MB/s'] / bestDec).toFixed(2)}x (target >= 5x)`);
    }
  }
  wasmTik.free();
}
main();
