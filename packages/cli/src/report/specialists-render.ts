// report.md / report.html of a specialists run (pure functions of report.json, browser-safe like the rest of
// src/report): the verdict, setup, validation loss of each model on each script (bars with CI whiskers), paired
// differences, MMLU (harness) with the chance line and paired item-level differences, loss curves, samples.
import type { SpecialistsReport } from './specialists-types.js';
import { barChartSvg, esc, lineChartSvg, type Series } from './svg.js';
import { markdownTable } from './markdown.js';
import { ciText, f3, int, pct, type Table } from './tables.js';

const label = (r: SpecialistsReport, key: string): string => r.models.find((m) => m.key === key)?.label ?? key;
const corpusName = (r: SpecialistsReport, key: string): string => r.setup.corpora.find((c) => c.key === key)?.name ?? (key === 'both' ? 'both scripts (every window)' : key);
/** The validation sets of a report: each corpus, then 'both' when present. */
const valSets = (r: SpecialistsReport): string[] => [...r.setup.corpora.map((c) => c.key), ...('both' in (r.models[0]?.valLoss ?? {}) ? ['both'] : [])];
const signed = (x: number, f: (v: number) => string): string => (x >= 0 ? `+${f(x)}` : f(x));

export function specialistsTables(r: SpecialistsReport): Table[] {
  const s = r.setup;
  const setup: Table = {
    title: 'Setup', header: ['', ''], rows: [
      ['model (each specialist)', `${s.model.nLayer} layers x d ${s.model.dModel}, ${s.model.nHead} heads, context ${s.model.blockSize}; ${int(s.parameters.total)} parameters (${int(s.parameters.nonEmbedding)} outside the table)`],
      ['tokenizer', `${s.tokenizer.name}, compact vocabulary of ${int(s.tokenizer.compact.rows)} rows shared by both specialists: ${s.tokenizer.compact.rule}`],
      ...s.corpora.map((c) => [`corpus ${c.key}`, `${c.name}: ${c.sources.map((x) => x.code).join(', ')}; ${int(c.chars)} characters, ${c.documents} documents -> ${int(c.trainTokens)} train / ${int(c.valTokens)} val tokens${c.sft ? ` (MMLU val instruction mix ${pct(c.sft.ratio)} of train)` : ''}; validation set without the mix: ${int(c.pureValTokens)} tokens, ${c.valWindows} windows`]),
      ['training', `${s.training.steps} steps x ${s.training.batchSize} rows x ${s.model.blockSize} tokens per specialist, lr ${s.training.lr}, seed ${s.training.seed} (both specialists start from the same weights), ${s.machine.workers} worker(s)`],
      ['frozen table', `${s.glyph.recipe}, ${s.glyph.components} components, ${int(s.glyph.tableRows)} rows (SHA-256 ${s.glyph.tableHash.slice(0, 16)}…); unchanged by training: ${s.glyph.frozenTablesUnchanged ? 'yes' : 'NO'}`],
      ['fusion', `average of ${s.fusion.average}, weights ${s.fusion.weights.map((w) => w.toFixed(3)).join(' / ')}, no retraining`],
      ['MMLU', `${s.mmlu.protocol} protocol (${s.mmlu.shots} shots that fit the context), ${s.mmlu.split} split, ${s.mmlu.subjects} subjects x ${s.mmlu.itemsPerSubject} = ${s.mmlu.items} items (${s.mmlu.source})`],
      ['statistics', s.statistics],
      ['machine', `${s.machine.cpus} x ${s.machine.cpuModel}, ${s.machine.memoryGiB} GiB, Node ${s.machine.node}, backend ${s.machine.backend}`],
      ['time', `${s.timing.totalSeconds.toFixed(0)} s (prepare ${s.timing.prepareSeconds.toFixed(0)} s, training ${s.timing.trainSeconds.toFixed(0)} s, evaluation ${s.timing.evalSeconds.toFixed(0)} s)${s.timing.resumed ? ', resumed' : ''}`],
    ],
  };
  const keys = valSets(r);
  const val: Table = {
    title: 'Validation loss per script (nats/token, mean over windows, 95 % CI)',
    header: ['model', ...keys.map((k) => corpusName(r, k))],
    rows: r.models.map((m) => [m.label, ...keys.map((k) => ciText(m.valLoss[k]))]),
  };
  const paired: Table = {
    title: 'Paired differences of validation loss (a − b, paired by window; negative = a better)',
    header: ['validation set', 'a', 'b', 'a − b [95 % CI]', 'resolved'],
    rows: r.comparisons.valLoss.map((c) => [corpusName(r, c.valSet), label(r, c.a), label(r, c.b), ciText(c.diff), c.diff.ci95 && (c.diff.ci95[0] > 0 || c.diff.ci95[1] < 0) ? 'yes' : 'no']),
  };
  const mmlu: Table = {
    title: `MMLU, harness protocol (${s.mmlu.items} items)`,
    header: ['model', 'accuracy [95 % CI]', 'answers A / B / C / D', 'invalid format', 'chance'],
    rows: r.models.map((m) => [m.label, `${pct(m.mmlu.micro)} [${pct(m.mmlu.ci95[0])}, ${pct(m.mmlu.ci95[1])}]`, (m.mmlu.answerCounts ?? []).join(' / '), pct(m.mmlu.invalidRate), pct(m.mmlu.chance)]),
  };
  const mp: Table = {
    title: 'Paired MMLU differences (same items; paired bootstrap CI, McNemar p)',
    header: ['a', 'b', 'accuracy a', 'accuracy b', 'a − b [95 % CI]', 'McNemar p'],
    rows: r.comparisons.mmlu.map((c) => [label(r, c.a), label(r, c.b), pct(c.accA), pct(c.accB), `${signed(100 * c.diff, (v) => v.toFixed(1))} pp [${(100 * c.ci95[0]).toFixed(1)}, ${(100 * c.ci95[1]).toFixed(1)}]`, c.mcnemarP.toFixed(3)]),
  };
  return [setup, val, paired, mmlu, mp];
}

export function specialistsCharts(r: SpecialistsReport): Record<string, string> {
  const keys = valSets(r);
  const charts: Record<string, string> = {};
  charts.valLoss = barChartSvg(keys.map((k) => ({ group: corpusName(r, k), values: r.models.map((m) => ({ bar: m.label, value: m.valLoss[k].mean, ci95: m.valLoss[k].ci95 })) })), {
    title: 'Validation loss per script (95 % CI over windows)', yLabel: 'nats/token',
  });
  charts.mmlu = barChartSvg([{ group: 'harness', values: r.models.map((m) => ({ bar: m.label, value: m.mmlu.micro, ci95: m.mmlu.ci95 })) }], {
    title: `MMLU accuracy (${r.setup.mmlu.items} items, 95 % CI)`, yLabel: 'accuracy', reference: { value: 0.25, label: 'chance 25 %' }, format: (v) => `${(100 * v).toFixed(1)}%`, width: 560,
  });
  const series: Series[] = r.models.filter((m) => m.kind === 'specialist').map((m) => ({ name: `${m.label} (own val split)`, points: m.history.filter((h) => h.valLoss !== undefined).map((h) => [h.tokens, h.valLoss!] as [number, number]) })).filter((s) => s.points.length > 0);
  if (series.length > 0) charts.curves = lineChartSvg(series, { title: 'Validation loss while training', xLabel: 'training tokens seen', yLabel: 'loss (nats/token)' });
  return charts;
}

export function renderSpecialistsMarkdown(r: SpecialistsReport): string {
  const samples = r.models.map((m) => `**${m.label}**\n\n${m.samples.map((s) => `- ${JSON.stringify(s.prompt)} → ${JSON.stringify(s.completion)}`).join('\n')}`).join('\n\n');
  return [
    `# glyphlm specialists: ${r.name}`, '',
    'Two specialists trained separately on two scripts over one frozen glyph table, and their fusion by averaging logits (no retraining), as the author\'s *_moe models.', '',
    '## Verdict', '', ...r.verdict.map((v) => `- ${v}`), '',
    ...specialistsTables(r).flatMap((t) => [markdownTable(t), '']),
    '## Greedy samples', '', samples, '',
    `Command: \`${r.command}\``, '',
  ].join('\n');
}

const CSS = `body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}.note{font-size:.85em;color:#555}.verdict li{margin:.3em 0}figure{margin:1em 0}svg{max-width:100%;height:auto}
pre{background:#f7f7f7;padding:.5em;white-space:pre-wrap;font-size:.85em}`;

function htmlTable(t: Table): string {
  const head = t.header.some((h) => h !== '') ? `<thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  return `<h3>${esc(t.title)}</h3><table>${head}<tbody>${t.rows.map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>${t.note ? `<p class="note">${esc(t.note)}</p>` : ''}`;
}

export function renderSpecialistsHtml(r: SpecialistsReport): string {
  const charts = specialistsCharts(r);
  const fig = (n: string): string => (charts[n] ? `<figure class="chart" data-chart="${n}">${charts[n]}</figure>` : '');
  const [setup, val, paired, mmlu, mp] = specialistsTables(r);
  const samples = r.models.map((m) => `<p><b>${esc(m.label)}</b></p>${m.samples.map((s) => `<pre>${esc(s.prompt)}<b>${esc(s.completion)}</b></pre>`).join('')}`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>glyphlm specialists: ${esc(r.name)}</title><style>${CSS}</style></head>
<body>
<h1>glyphlm specialists: ${esc(r.name)}</h1>
<p>Two specialists trained separately on ${r.setup.corpora.map((c) => esc(c.name)).join(' and ')}, over one frozen glyph table and one vocabulary, fused after training by averaging their ${esc(r.setup.fusion.average)} (the author's *_moe recipe). Preset <b>${esc(r.preset)}</b>.</p>
<h2>Verdict</h2><ul class="verdict">${r.verdict.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>
<h2>Setup</h2>${htmlTable(setup)}
<h2>Validation loss per script</h2>${fig('valLoss')}${htmlTable(val)}${htmlTable(paired)}${fig('curves')}
<h2>MMLU</h2>${fig('mmlu')}${htmlTable(mmlu)}${htmlTable(mp)}
<h2>Greedy samples</h2>${samples}
<p class="note">Generated by <code>glyphlm</code>; data in report.json. Command: <code>${esc(r.command)}</code></p>
</body></html>
`;
}

/** Plain-language verdict lines; a difference is called resolved only when its CI excludes 0. */
export function specialistsVerdict(r: Omit<SpecialistsReport, 'verdict'>): string[] {
  const out: string[] = [];
  const res = (ci: [number, number] | null): string => (ci && (ci[0] > 0 || ci[1] < 0) ? 'resolved' : 'not resolved');
  for (const c of r.setup.corpora) {
    const fused = r.models.find((m) => m.kind === 'fusion')!;
    const own = r.models.find((m) => m.key === c.key)!;
    const other = r.models.find((m) => m.kind === 'specialist' && m.key !== c.key)!;
    const dOwn = r.comparisons.valLoss.find((x) => x.valSet === c.key && x.a === fused.key && x.b === own.key)!;
    const dOther = r.comparisons.valLoss.find((x) => x.valSet === c.key && x.a === fused.key && x.b === other.key)!;
    out.push(`${c.name} validation text: fusion ${f3(fused.valLoss[c.key].mean)} vs its specialist ${f3(own.valLoss[c.key].mean)} (fusion − specialist ${signed(dOwn.diff.mean, f3)} nats, 95 % CI ${dOwn.diff.ci95 ? `[${f3(dOwn.diff.ci95[0])}, ${f3(dOwn.diff.ci95[1])}]` : 'none'}, ${res(dOwn.diff.ci95)}) and the other specialist ${f3(other.valLoss[c.key].mean)} (${signed(dOther.diff.mean, f3)}, ${res(dOther.diff.ci95)}).`);
  }
  if (r.models.every((m) => 'both' in m.valLoss)) {
    const fused = r.models.find((m) => m.kind === 'fusion')!;
    const specs = r.models.filter((m) => m.kind === 'specialist');
    const best = specs.reduce((a, b) => (a.valLoss.both.mean <= b.valLoss.both.mean ? a : b));
    const d = r.comparisons.valLoss.find((x) => x.valSet === 'both' && x.a === fused.key && x.b === best.key);
    if (d) out.push(`Both scripts together (${fused.valLoss.both.n} windows): fusion ${f3(fused.valLoss.both.mean)}, ${specs.map((m) => `${m.label} ${f3(m.valLoss.both.mean)}`).join(', ')}; fusion − the better specialist ${signed(d.diff.mean, f3)} nats, 95 % CI ${d.diff.ci95 ? `[${f3(d.diff.ci95[0])}, ${f3(d.diff.ci95[1])}]` : 'none'} (${res(d.diff.ci95)}).`);
  }
  const acc = r.models.map((m) => `${m.label} ${pct(m.mmlu.micro)}`).join(', ');
  const best = r.comparisons.mmlu.filter((c) => c.a === 'fused');
  const constant = r.models.filter((m) => (m.mmlu.answerCounts ?? []).some((c) => c === m.mmlu.n && c > 0));
  const constantNote = constant.length === 0 ? '' : ` ${constant.length === r.models.length ? 'Every model' : constant.map((m) => m.label).join(', ')} gives the same letter on every item (${constant.map((m) => 'ABCD'[m.mmlu.answerCounts.findIndex((c) => c > 0)]).join('/')}): the accuracy is that letter's share of the gold answers, not knowledge.`;
  out.push(`MMLU (harness, ${r.setup.mmlu.items} items; chance 25 %): ${acc}.${constantNote} ${best.map((c) => `Fusion − ${label(r as SpecialistsReport, c.b)} ${signed(100 * c.diff, (v) => v.toFixed(1))} pp [${(100 * c.ci95[0]).toFixed(1)}, ${(100 * c.ci95[1]).toFixed(1)}] (${res(c.ci95)})`).join('; ')}.`);
  return out;
}
