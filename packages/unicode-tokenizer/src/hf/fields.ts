// Typed access to tokenizer.json fields with errors that name the field at fault.

export class TokenizerJsonError extends Error {
  constructor(readonly field: string, message: string) {
    super(`tokenizer.json: ${field}: ${message}`);
    this.name = 'TokenizerJsonError';
  }
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function obj(v: unknown, field: string): JsonObject {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TokenizerJsonError(field, `expected an object, got ${describe(v)}`);
  return v as JsonObject;
}
export function arr(v: unknown, field: string): Json[] {
  if (!Array.isArray(v)) throw new TokenizerJsonError(field, `expected an array, got ${describe(v)}`);
  return v;
}
export function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new TokenizerJsonError(field, `expected a string, got ${describe(v)}`);
  return v;
}
export function optStr(v: unknown, field: string): string | null {
  return v === undefined || v === null ? null : str(v, field);
}
export function bool(v: unknown, field: string, dflt: boolean): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw new TokenizerJsonError(field, `expected a boolean, got ${describe(v)}`);
  return v;
}
export function int(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TokenizerJsonError(field, `expected a non-negative integer, got ${describe(v)}`);
  return v;
}
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${typeof v === 'object' ? '' : String(v)}`.trim();
}
export function unsupported(field: string, type: unknown): never {
  throw new TokenizerJsonError(field, `unsupported type ${JSON.stringify(type)}`);
}

/** A Hugging Face `{String: ...}` / `{Regex: ...}` pattern as a global JS RegExp. */
export function pattern(v: unknown, field: string): RegExp {
  const p = obj(v, field);
  if (typeof p.String === 'string') return new RegExp(p.String.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'gu');
  if (typeof p.Regex === 'string') {
    try {
      return new RegExp(translateRegex(p.Regex), 'gu');
    } catch (e) {
      throw new TokenizerJsonError(`${field}.Regex`, `cannot compile ${JSON.stringify(p.Regex)}: ${(e as Error).message}`);
    }
  }
  throw new TokenizerJsonError(field, 'expected {"String": ...} or {"Regex": ...}');
}

/** Translates the common Oniguruma constructs of tokenizer.json patterns to JS `u`-mode syntax. */
function translateRegex(src: string): string {
  return src
    .replace(/\(\?i:/g, '(?:') // inline case-insensitive groups are not in JS; patterns in the wild apply them to 's|'t...
    .replace(/\\p\{([A-Za-z])\}/g, '\\p{$1}')
    .replace(/\\x\{([0-9a-fA-F]+)\}/g, '\\u{$1}');
}
