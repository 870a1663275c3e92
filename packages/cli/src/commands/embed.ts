// `glyphlm embed`: tokenizer + recipe + font -> the frozen embedding matrix as safetensors (tensor `embeddings`,
// metadata `glyphlm`), and optionally a glyph sheet PNG and a 2-D map SVG of the tokens of a sample text.
import { toSafetensors } from '@glyphlm/glyph-embeddings';
import { glyphSheet, map2d, map2dSvg } from '@glyphlm/glyph-embeddings/viz';
import type { CliIO } from '../cli/io.js';
import { buildMatrix, resolveFont } from '../cli/embeddings.js';
import { writeAtomic } from '../cli/files.js';
import { createProgress } from '../cli/progress.js';
import { resolveTokenizer } from '../cli/tokenizer.js';
import { UsageError } from '../cli/errors.js';

export interface EmbedFlags {
  tokenizer: string;
  recipe: string;
  font?: string;
  components?: number;
  out: string;
  sheet?: string;
  map?: string;
  sample: string;
  cache: boolean;
}

/** Distinct ids of `text` in first-seen order. */
export function sampleIds(ids: ArrayLike<number>, max = 64): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < ids.length && seen.size < max; i++) seen.add(ids[i]);
  return [...seen];
}

export async function embedCommand(opts: EmbedFlags, io: CliIO): Promise<void> {
  if (!opts.out.endsWith('.safetensors')) throw new UsageError(`--out must end in .safetensors, got ${opts.out}`);
  const tok = resolveTokenizer(opts.tokenizer);
  const font = await resolveFont(opts.font);
  const stages = createProgress('embed', 100);
  const m = await buildMatrix(tok, {
    recipe: opts.recipe, font, components: opts.components, cache: opts.cache,
    onProgress: (p) => stages.update({ done: Math.round((100 * p.done) / Math.max(1, p.total)), info: p.stage }),
  });
  stages.stop();
  await writeAtomic(opts.out, toSafetensors(m));
  io.stdout(`${opts.out}: ${m.rows} x ${m.dim} (${m.meta.recipe}${m.meta.cacheHit ? ', from cache' : ''})\n`);
  const ids = sampleIds(tok.encode(opts.sample));
  if (opts.sheet) {
    const visual = ['bvv241-2-3', 'bvv241-max', 'bvv241-abs', 'shaped'].includes(opts.recipe) ? opts.recipe : 'shaped';
    await writeAtomic(opts.sheet, await glyphSheet(tok, ids, { font, recipe: visual }));
    io.stdout(`${opts.sheet}: glyph sheet of ${ids.length} tokens\n`);
  }
  if (opts.map) {
    const points = await map2d(m, ids, { method: 'pca' });
    const svg = map2dSvg(points, { labels: ids.map((id) => tok.tokenString(id)), title: `${m.meta.recipe}: 2-D PCA map of ${ids.length} tokens` });
    await writeAtomic(opts.map, svg);
    io.stdout(`${opts.map}: 2-D map of ${ids.length} tokens\n`);
  }
}
