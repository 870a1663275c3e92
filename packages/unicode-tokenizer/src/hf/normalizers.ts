// Hugging Face normalizers (tokenizer.json "normalizer"): string -> string.
import { type Json, arr, bool, obj, pattern, str, unsupported } from './fields.js';

export type Normalizer = (text: string) => string;

const CJK = /[\u4e00-\u9fff\u3400-\u4dbf\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\u{2b740}-\u{2b81f}\u{2b820}-\u{2ceaf}\uf900-\ufaff\u{2f800}-\u{2fa1f}]/gu;

export function buildNormalizer(spec: Json, field = 'normalizer'): Normalizer | null {
  if (spec === null || spec === undefined) return null;
  const o = obj(spec, field);
  switch (o.type) {
    case 'NFC': case 'NFD': case 'NFKC': case 'NFKD': { const f = o.type; return (t) => t.normalize(f); }
    case 'Lowercase': return (t) => t.toLowerCase();
    case 'StripAccents': return (t) => t.replace(/\p{Mn}/gu, '');
    case 'Strip': {
      const l = bool(o.strip_left, `${field}.strip_left`, true), r = bool(o.strip_right, `${field}.strip_right`, true);
      return (t) => { if (l) t = t.replace(/^\p{White_Space}+/u, ''); if (r) t = t.replace(/\p{White_Space}+$/u, ''); return t; };
    }
    case 'Replace': {
      const re = pattern(o.pattern, `${field}.pattern`), content = str(o.content, `${field}.content`);
      return (t) => t.replace(re, () => content);
    }
    case 'Prepend': { const p = str(o.prepend, `${field}.prepend`); return (t) => (t.length ? p + t : t); }
    case 'BertNormalizer': {
      const clean = bool(o.clean_text, `${field}.clean_text`, true);
      const chinese = bool(o.handle_chinese_chars, `${field}.handle_chinese_chars`, true);
      const lower = bool(o.lowercase, `${field}.lowercase`, true);
      const strip = o.strip_accents === null || o.strip_accents === undefined ? lower : bool(o.strip_accents, `${field}.strip_accents`, lower);
      return (t) => {
        if (clean) t = t.replace(/[\0\ufffd]|(?![\t\n\r])\p{Cc}|\p{Cf}/gu, '').replace(/[\t\n\r]|\p{Zs}/gu, ' ');
        if (chinese) t = t.replace(CJK, (c) => ` ${c} `);
        if (strip) t = t.normalize('NFD').replace(/\p{Mn}/gu, '');
        if (lower) t = t.toLowerCase();
        return t;
      };
    }
    case 'Sequence': {
      const list = arr(o.normalizers, `${field}.normalizers`).map((n, k) => buildNormalizer(n, `${field}.normalizers[${k}]`));
      return (t) => list.reduce((acc, f) => (f ? f(acc) : acc), t);
    }
    default: return unsupported(`${field}.type`, o.type);
  }
}
