// `glyphlm-tokenizer.json`: written into every run folder so `generate`, `eval` and `report` find the tokenizer a
// checkpoint was trained with: the base tokenizer (a built-in name or an absolute tokenizer.json path), its
// fingerprint, and for a compact vocabulary the base ids it keeps (row i of the model = base id ids[i]).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import { UsageError } from './errors.js';
import { writeAtomic } from './files.js';
import { resolveTokenizer } from './tokenizer.js';
import { restoreCompact, type CompactResult } from '../experiment/compact.js';

export const TOKENIZER_SIDECAR = 'glyphlm-tokenizer.json';

export interface TokenizerSidecar {
  format: 'glyphlm-tokenizer-ref';
  version: 1;
  tokenizer: string;
  fingerprint: string;
  compact: null | { ids: number[]; fingerprint: string; rule: string };
}

export async function writeTokenizerSidecar(dir: string, base: Tokenizer, spec: string, compact: CompactResult | null): Promise<void> {
  const rec: TokenizerSidecar = {
    format: 'glyphlm-tokenizer-ref',
    version: 1,
    tokenizer: spec.startsWith('bvv241-') ? spec : resolve(spec),
    fingerprint: base.fingerprint,
    compact: compact ? { ids: Array.from(compact.ids), fingerprint: compact.tokenizer.fingerprint, rule: compact.rule } : null,
  };
  await writeAtomic(join(dir, TOKENIZER_SIDECAR), JSON.stringify(rec));
}

export function readTokenizerSidecar(path: string): Tokenizer {
  let rec: TokenizerSidecar;
  try { rec = JSON.parse(readFileSync(path, 'utf8')); } catch (err) { throw new UsageError(`${path}: not valid JSON (${(err as Error).message})`); }
  if (rec?.format !== 'glyphlm-tokenizer-ref' || typeof rec.tokenizer !== 'string') throw new UsageError(`${path}: not a glyphlm tokenizer reference (field "format")`);
  const base = resolveTokenizer(rec.tokenizer);
  if (base.fingerprint !== rec.fingerprint) throw new UsageError(`${path}: tokenizer ${rec.tokenizer} has fingerprint ${base.fingerprint.slice(0, 12)}…, the run used ${String(rec.fingerprint).slice(0, 12)}…`);
  if (!rec.compact) return base;
  const t = restoreCompact(base, rec.compact.ids);
  if (t.fingerprint !== rec.compact.fingerprint) throw new UsageError(`${path}: compact vocabulary fingerprint mismatch (field "compact.fingerprint")`);
  return t;
}
