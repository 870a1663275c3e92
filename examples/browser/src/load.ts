// Loading a checkpoint three ways, each with a bytes progress callback: a folder served under /runs/ (listed by
// /runs/index.json), any URL of a checkpoint folder (config.json + model.safetensors), or files dropped on the
// page (config.json, model.safetensors and optionally glyphlm-tokenizer.json).
import { loadCheckpoint, type LoadProgress } from '@glyphlm/transformer-core';
import { resolveTokenizer } from './tokenizer-ref.js';
import type { Loaded } from './session.js';

export interface RunEntry {
  name: string;
  url: string;
  tokenizerUrl?: string;
}

type OnProgress = (p: LoadProgress) => void;

export async function listRuns(): Promise<RunEntry[]> {
  const res = await fetch('runs/index.json');
  if (!res.ok) return [];
  return (await res.json()) as RunEntry[];
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** A checkpoint folder URL; `tokenizerUrl` is its glyphlm-tokenizer.json when known. */
export async function loadFromUrl(url: string, onProgress: OnProgress, tokenizerUrl?: string): Promise<Loaded> {
  const abs = new URL(url, location.href).href;
  const sidecar = tokenizerUrl ? await fetchText(new URL(tokenizerUrl, location.href).href) : undefined;
  const model = await loadCheckpoint(abs, { onProgress });
  try {
    return { model, tokenizer: resolveTokenizer(model.config.vocabSize, sidecar, tokenizerUrl), source: url };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function readWithProgress(file: File, onChunk: (n: number) => void): Promise<Uint8Array> {
  const out = new Uint8Array(file.size);
  let at = 0;
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.length;
    onChunk(value.length);
  }
  return out;
}

/** Dropped or picked files: config.json + model.safetensors (+ glyphlm-tokenizer.json). */
export async function loadFromFiles(files: FileList | File[], onProgress: OnProgress): Promise<Loaded> {
  const byName = new Map([...files].map((f) => [f.name, f]));
  const cfg = byName.get('config.json');
  const weights = byName.get('model.safetensors');
  if (!cfg || !weights) throw new Error(`drop config.json and model.safetensors together (got ${[...byName.keys()].join(', ') || 'nothing'})`);
  const total = weights.size;
  let loaded = 0;
  const bytes = await readWithProgress(weights, (n) => { loaded += n; onProgress({ loaded, total }); });
  const model = await loadCheckpoint({ config: await cfg.text(), weights: bytes });
  const side = byName.get('glyphlm-tokenizer.json');
  try {
    return { model, tokenizer: resolveTokenizer(model.config.vocabSize, side ? await side.text() : undefined), source: `dropped ${cfg.name} + ${weights.name}` };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
