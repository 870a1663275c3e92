// The page's shared state: the loaded model with its tokenizer (Run, Inspect and Score read it) and listeners
// that redraw when it changes.
import type { GPT } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';

export interface Loaded {
  model: GPT;
  tokenizer: Tokenizer;
  /** Where it came from (a runs/ folder, a URL, dropped files). */
  source: string;
}

let current: Loaded | undefined;
const listeners: Array<(l: Loaded) => void> = [];

export function loaded(): Loaded | undefined {
  return current;
}

export function setLoaded(l: Loaded): void {
  current?.model.dispose();
  current = l;
  for (const f of listeners) f(l);
}

export function onLoaded(f: (l: Loaded) => void): void {
  listeners.push(f);
}

/** Lets the browser paint (a macrotask), between tokens and steps. */
export function nextFrame(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}
