// SFT examples from JSON Lines files: one {"prompt": ..., "response": ...} object per line; blank lines are
// skipped; invalid JSON or a missing/non-string field is an error naming the file and line number.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SftExample } from '../data/corpus-options.js';

export interface ReadSftJsonlOptions {
  /** Field names when the file uses others (default prompt / response). */
  promptField?: string;
  responseField?: string;
}

/** Yield the {prompt, response} examples of a JSONL file, line by line. */
export async function* readSftJsonl(path: string, opts: ReadSftJsonlOptions = {}): AsyncGenerator<SftExample> {
  const pf = opts.promptField ?? 'prompt';
  const rf = opts.responseField ?? 'response';
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((res, rej) => {
    stream.once('open', () => res());
    stream.once('error', (e: NodeJS.ErrnoException) => rej(new Error(`readSftJsonl: cannot read ${path} (${e.code ?? e.message})`)));
  });
  await opened;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const raw of lines) {
      n++;
      const line = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (line.trim() === '') continue;
      let obj: unknown;
      try { obj = JSON.parse(line); } catch (e) { throw new SyntaxError(`${path}:${n}: invalid JSON (${(e as Error).message})`); }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new TypeError(`${path}:${n}: expected a JSON object with "${pf}" and "${rf}"`);
      const rec = obj as Record<string, unknown>;
      for (const f of [pf, rf]) {
        if (!(f in rec)) throw new TypeError(`${path}:${n}: missing field "${f}"`);
        if (typeof rec[f] !== 'string') throw new TypeError(`${path}:${n}: field "${f}" must be a string, got ${rec[f] === null ? 'null' : typeof rec[f]}`);
      }
      yield { prompt: rec[pf] as string, response: rec[rf] as string };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** All examples of a JSONL file as an array (validates the whole file first). */
export async function readSftJsonlAll(path: string, opts: ReadSftJsonlOptions = {}): Promise<SftExample[]> {
  const out: SftExample[] = [];
  for await (const ex of readSftJsonl(path, opts)) out.push(ex);
  return out;
}
