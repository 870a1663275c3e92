// Hugging Face decoders (tokenizer.json "decoder"): token strings -> text pieces.
import { type Json, arr, bool, int, obj, optStr, pattern, str, unsupported } from './fields.js';
import { charsToText } from './byte-level.js';

export type Decoder = (tokens: string[]) => string[];

export function buildDecoder(spec: Json, field = 'decoder'): Decoder | null {
  if (spec === null || spec === undefined) return null;
  const o = obj(spec, field);
  switch (o.type) {
    case 'ByteLevel': return (t) => [charsToText(t.join(''))];
    case 'Fuse': return (t) => [t.join('')];
    case 'Replace': {
      const re = pattern(o.pattern, `${field}.pattern`), content = str(o.content, `${field}.content`);
      return (t) => t.map((s) => s.replace(re, () => content));
    }
    case 'Strip': {
      const c = str(o.content, `${field}.content`), start = int(o.start ?? 0, `${field}.start`), stop = int(o.stop ?? 0, `${field}.stop`);
      return (t) => t.map((s) => {
        const chars = Array.from(s);
        let a = 0, b = chars.length;
        while (a < start && a < b && chars[a] === c) a++;
        let k = 0;
        while (k < stop && b > a && chars[b - 1] === c) { b--; k++; }
        return chars.slice(a, b).join('');
      });
    }
    case 'ByteFallback': return (t) => {
      const out: string[] = [];
      let bytes: number[] = [];
      const flush = () => {
        if (!bytes.length) return;
        try { out.push(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes))); } catch { for (const _ of bytes) out.push('\ufffd'); }
        bytes = [];
      };
      for (const s of t) {
        const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(s);
        if (m) bytes.push(parseInt(m[1], 16)); else { flush(); out.push(s); }
      }
      flush();
      return out;
    };
    case 'Metaspace': {
      const rep = optStr(o.replacement, `${field}.replacement`) ?? '\u2581';
      let scheme = optStr(o.prepend_scheme, `${field}.prepend_scheme`);
      if (scheme === null) scheme = bool(o.add_prefix_space, `${field}.add_prefix_space`, true) ? 'always' : 'never';
      return (t) => t.map((s, k) => {
        s = s.replaceAll(rep, ' ');
        return k === 0 && scheme !== 'never' && s.startsWith(' ') ? s.slice(1) : s;
      });
    }
    case 'WordPiece': {
      const prefix = optStr(o.prefix, `${field}.prefix`) ?? '##';
      const cleanup = bool(o.cleanup, `${field}.cleanup`, true);
      return (t) => t.map((s, k) => {
        if (k > 0) s = s.startsWith(prefix) ? s.slice(prefix.length) : ' ' + s;
        if (cleanup) s = s.replace(/ \./g, '.').replace(/ \?/g, '?').replace(/ !/g, '!').replace(/ ,/g, ',')
          .replace(/ ' /g, "'").replace(/ n't/g, "n't").replace(/ 'm/g, "'m").replace(/ 's/g, "'s").replace(/ 've/g, "'ve").replace(/ 're/g, "'re");
        return s;
      });
    }
    case 'BPEDecoder': {
      const suffix = optStr(o.suffix, `${field}.suffix`) ?? '</w>';
      return (t) => t.map((s, k) => s.replaceAll(suffix, k === t.length - 1 ? '' : ' '));
    }
    case 'Sequence': {
      const list = arr(o.decoders, `${field}.decoders`).map((d, k) => buildDecoder(d, `${field}.decoders[${k}]`));
      return (t) => list.reduce((acc, f) => (f ? f(acc) : acc), t);
    }
    default: return unsupported(`${field}.type`, o.type);
  }
}
