// Hugging Face pre-tokenizers (tokenizer.json "pre_tokenizer"): string -> words.
import { type Json, arr, bool, obj, optStr, pattern, str, unsupported } from './fields.js';
import { GPT2_PATTERN, bytesToChars } from './byte-level.js';

/** `atStart`: the pieces begin at offset 0 of the original text (not after an added token). */
export type PreTokenizer = (pieces: string[], atStart: boolean) => string[];
type Behavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/** Splits `text` at the matches of `re` with Hugging Face's SplitDelimiterBehavior semantics. */
export function splitBy(text: string, re: RegExp, behavior: Behavior, invert = false): string[] {
  const spans: Array<[number, number, boolean]> = [];
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    if (m.index > last) spans.push([last, m.index, false]);
    spans.push([m.index, m.index + m[0].length, true]);
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push([last, text.length, false]);
  if (invert) for (const s of spans) s[2] = !s[2];
  const out: string[] = [];
  let pendingNext = '';
  for (let k = 0; k < spans.length; k++) {
    const [a, b, isDelim] = spans[k];
    const piece = text.slice(a, b);
    if (!isDelim) { out.push(pendingNext + piece); pendingNext = ''; continue; }
    switch (behavior) {
      case 'Removed': break;
      case 'Isolated': out.push(piece); break;
      case 'Contiguous':
        if (k > 0 && spans[k - 1][2] && out.length) out[out.length - 1] += piece; else out.push(piece);
        break;
      case 'MergedWithPrevious':
        if (k > 0 && !spans[k - 1][2] && out.length) out[out.length - 1] += piece; else out.push(piece);
        break;
      case 'MergedWithNext': pendingNext += piece; break;
    }
  }
  if (pendingNext) out.push(pendingNext);
  return out;
}

const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WHITESPACE_RE = new RegExp(`[${WORD}]+|[^${WORD}\\p{White_Space}]+`, 'gu');
const PUNCT_RE = /[\p{P}!-\/:-@\[-`{-~]/gu;

function behavior(v: Json | undefined, field: string, dflt: Behavior): Behavior {
  if (v === undefined || v === null) return dflt;
  const b = str(v, field);
  if (!['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'].includes(b)) unsupported(field, b);
  return b as Behavior;
}

const each = (f: (s: string) => string[]): PreTokenizer => (pieces) => pieces.flatMap(f);

export function buildPreTokenizer(spec: Json, field = 'pre_tokenizer'): PreTokenizer | null {
  if (spec === null || spec === undefined) return null;
  const o = obj(spec, field);
  switch (o.type) {
    case 'ByteLevel': {
      const prefix = bool(o.add_prefix_space, `${field}.add_prefix_space`, true);
      const useRegex = bool(o.use_regex, `${field}.use_regex`, true);
      return (pieces) => pieces.flatMap((p, k) => {
        if (prefix && k === 0 && !p.startsWith(' ')) p = ' ' + p;
        return (useRegex ? splitBy(p, GPT2_PATTERN, 'Isolated') : [p]).map(bytesToChars);
      });
    }
    case 'Whitespace': return each((s) => s.match(WHITESPACE_RE) ?? []);
    case 'WhitespaceSplit': return each((s) => s.split(/\p{White_Space}+/u).filter(Boolean));
    case 'CharDelimiterSplit': { const d = str(o.delimiter, `${field}.delimiter`); return each((s) => s.split(d).filter(Boolean)); }
    case 'Punctuation': { const b = behavior(o.behavior, `${field}.behavior`, 'Isolated'); return each((s) => splitBy(s, PUNCT_RE, b)); }
    case 'BertPreTokenizer':
      return each((s) => s.split(/\p{White_Space}+/u).filter(Boolean).flatMap((w) => splitBy(w, PUNCT_RE, 'Isolated')));
    case 'Digits': {
      const single = bool(o.individual_digits, `${field}.individual_digits`, false);
      return each((s) => splitBy(s, single ? /\p{Nd}/gu : /\p{Nd}+/gu, 'Isolated'));
    }
    case 'Split': {
      const re = pattern(o.pattern, `${field}.pattern`);
      const b = behavior(o.behavior, `${field}.behavior`, 'Removed');
      const inv = bool(o.invert, `${field}.invert`, false);
      return each((s) => splitBy(s, re, b, inv));
    }
    case 'Metaspace': {
      const rep = optStr(o.replacement, `${field}.replacement`) ?? '\u2581';
      let scheme = optStr(o.prepend_scheme, `${field}.prepend_scheme`);
      if (scheme === null) scheme = bool(o.add_prefix_space, `${field}.add_prefix_space`, true) ? 'always' : 'never';
      if (!['always', 'first', 'never'].includes(scheme)) unsupported(`${field}.prepend_scheme`, scheme);
      const split = bool(o.split, `${field}.split`, true);
      const esc = rep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      const re = new RegExp(esc, 'gu');
      return (pieces, atStart) => pieces.flatMap((p, k) => {
        p = p.replaceAll(' ', rep);
        if ((scheme === 'always' || (scheme === 'first' && k === 0 && atStart)) && !p.startsWith(rep)) p = rep + p;
        return split ? splitBy(p, re, 'MergedWithNext') : [p];
      });
    }
    case 'Sequence': {
      const list = arr(o.pretokenizers, `${field}.pretokenizers`).map((p, k) => buildPreTokenizer(p, `${field}.pretokenizers[${k}]`));
      return (pieces, atStart) => list.reduce((acc, f) => (f ? f(acc, atStart) : acc), pieces);
    }
    default: return unsupported(`${field}.type`, o.type);
  }
}
