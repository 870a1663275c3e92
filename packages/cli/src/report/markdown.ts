// report.md: the experiment report as GitHub-flavoured markdown (tables; the charts live in report.html).
import type { ExperimentReport } from './types.js';
import {
  frequencyTable, mmluPairedTable, mmluTable, pairedLossTable, perplexityTable, setupTable, valLossTable, type Table,
} from './tables.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(t: Table): string {
  const lines = [`### ${t.title}`, '', `| ${t.header.map(cell).join(' | ')} |`, `|${t.header.map(() => '---').join('|')}|`];
  for (const r of t.rows) lines.push(`| ${r.map(cell).join(' | ')} |`);
  if (t.note) lines.push('', t.note);
  return lines.join('\n');
}

export function renderMarkdown(r: ExperimentReport): string {
  const parts = [
    `# glyphlm experiment: ${r.name}`,
    '',
    'Frozen glyph embeddings (Bochkov, TMLR 2025) against a trainable table on the same backbone, data and order.',
    '',
    '## Verdict',
    '',
    ...r.verdict.map((v) => `- ${v}`),
    '',
    markdownTable(setupTable(r)),
    '',
    markdownTable(valLossTable(r)),
    '',
    markdownTable(pairedLossTable(r)),
  ];
  const ft = frequencyTable(r);
  if (ft) parts.push('', markdownTable(ft));
  parts.push('', markdownTable(perplexityTable(r)), '', markdownTable(mmluTable(r)), '', markdownTable(mmluPairedTable(r)));
  parts.push('', '### Sample generations (greedy, same prompts for every arm, seed ' + (r.arms[0]?.seeds[0]?.seed ?? '') + ')', '');
  const prompts = r.arms[0]?.seeds[0]?.samples.map((s) => s.prompt) ?? [];
  prompts.forEach((p, i) => {
    parts.push(`**Prompt:** \`${JSON.stringify(p)}\``, '');
    for (const a of r.arms) parts.push(`- ${a.label}: \`${JSON.stringify(a.seeds[0]?.samples[i]?.completion ?? '')}\``);
    parts.push('');
  });
  parts.push(`Glyph sheet of sample tokens: \`${r.glyph.sheetPng}\`. Full results: \`report.json\`, per-run MMLU results under \`eval/\`.`, '');
  return parts.join('\n');
}
