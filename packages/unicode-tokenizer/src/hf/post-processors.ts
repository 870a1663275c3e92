// Hugging Face post-processors (tokenizer.json "post_processor"): wrap a single sequence's ids in special tokens.
import { TokenizerJsonError, type Json, arr, int, obj, str, unsupported } from './fields.js';

export type PostProcessor = (ids: number[]) => number[];

export function buildPostProcessor(spec: Json, field = 'post_processor'): PostProcessor | null {
  if (spec === null || spec === undefined) return null;
  const o = obj(spec, field);
  switch (o.type) {
    case 'ByteLevel': return null;
    case 'BertProcessing': case 'RobertaProcessing': {
      const cls = int(arr(o.cls, `${field}.cls`)[1], `${field}.cls[1]`), sep = int(arr(o.sep, `${field}.sep`)[1], `${field}.sep[1]`);
      return (ids) => [cls, ...ids, sep];
    }
    case 'TemplateProcessing': {
      const specials = obj(o.special_tokens ?? {}, `${field}.special_tokens`);
      const pieces = arr(o.single, `${field}.single`).map((p, k): number[] | 'A' => {
        const po = obj(p, `${field}.single[${k}]`);
        if (po.Sequence !== undefined) return 'A';
        const sp = obj(po.SpecialToken, `${field}.single[${k}].SpecialToken`);
        const name = str(sp.id, `${field}.single[${k}].SpecialToken.id`);
        const entry = specials[name];
        if (entry === undefined) throw new TokenizerJsonError(`${field}.special_tokens`, `missing ${JSON.stringify(name)}`);
        return arr(obj(entry, `${field}.special_tokens.${name}`).ids, `${field}.special_tokens.${name}.ids`).map((x, j) => int(x, `${field}.special_tokens.${name}.ids[${j}]`));
      });
      return (ids) => pieces.flatMap((p) => (p === 'A' ? ids : p));
    }
    case 'Sequence': {
      const list = arr(o.processors, `${field}.processors`).map((p, k) => buildPostProcessor(p, `${field}.processors[${k}]`));
      return (ids) => list.reduce((acc, f) => (f ? f(acc) : acc), ids);
    }
    default: return unsupported(`${field}.type`, o.type);
  }
}
