// `glyphlm eval`: a checkpoint + a protocol -> MMLU result (report.json with every item, report.md table) and a
// one-line summary with the CI95, invalid-format rate and chance line.
import { join } from 'node:path';
import { evaluate, loadMMLU, resultsMarkdown, type Protocol } from '@glyphlm/mmlu-eval';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/errors.js';
import { loadCheckedModel } from '../cli/checkpoint.js';
import { writeAtomic } from '../cli/files.js';
import { createProgress } from '../cli/progress.js';

export interface EvalFlags {
  tokenizer?: string;
  protocol: Protocol;
  split: 'dev' | 'val' | 'test';
  shots: number;
  subjects?: string[];
  limitPerSubject?: number;
  runs: number;
  temperature: number;
  seed: number;
  out?: string;
}

export async function evalCommand(checkpoint: string, opts: EvalFlags, io: CliIO): Promise<void> {
  const mmlu = await loadMMLU();
  for (const s of opts.subjects ?? []) if (!mmlu.subjects.includes(s)) throw new UsageError(`--subjects: unknown MMLU subject '${s}'`);
  const { model, tokenizer, dir } = await loadCheckedModel(checkpoint, opts.tokenizer);
  try {
    const bar = createProgress(`eval ${opts.protocol} %`, 100);
    const paper = opts.protocol === 'paper';
    const r = await evaluate(model, tokenizer, mmlu, {
      protocol: opts.protocol, split: opts.split, subjects: opts.subjects, limitPerSubject: opts.limitPerSubject,
      ...(opts.protocol === 'harness' ? { shots: opts.shots } : {}),
      ...(paper ? { runs: opts.runs, temperature: opts.temperature, seed: opts.seed } : {}),
      modelName: dir,
      onProgress: (p) => bar.update({ done: Math.round((100 * p.done) / Math.max(1, p.total)), info: `${p.done}/${p.total} ${p.subject}` }),
    });
    bar.stop();
    const a = r.accuracy;
    io.stdout(`${opts.protocol} ${opts.split}: accuracy ${(100 * a.micro).toFixed(1)} % [${(100 * a.ci95[0]).toFixed(1)}, ${(100 * a.ci95[1]).toFixed(1)}] on ${a.n} items (macro ${(100 * a.macro).toFixed(1)} %, invalid format ${(100 * a.invalidRate).toFixed(1)} %, chance ${(100 * a.chance).toFixed(0)} %)\n`);
    if (opts.out) {
      await writeAtomic(join(opts.out, 'report.json'), JSON.stringify(r, null, 1));
      await writeAtomic(join(opts.out, 'report.md'), resultsMarkdown([r]));
      io.stdout(`${join(opts.out, 'report.json')}\n`);
    }
  } finally {
    model.dispose();
  }
}
