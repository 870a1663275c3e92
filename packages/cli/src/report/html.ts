// report.html: one self-contained page (inline CSS, inline SVG charts, the glyph sheet as a data: URI) that opens
// offline in any browser. Charts: validation and training loss curves, final loss with CIs, loss by token
// frequency, per-script held-out loss, MMLU accuracy per protocol with CI whiskers and the chance line, the
// invalid-format rate, and a 2-D map of the frozen table.
import { map2dSvg } from '@glyphlm/glyph-embeddings/viz';
import type { ExperimentReport } from './types.js';
import { barChartSvg, COLORS, esc, lineChartSvg, type Series } from './svg.js';
import {
  frequencyTable, mmluPairedTable, mmluTable, pairedLossTable, perplexityTable, setupTable, valLossTable, type Table,
} from './tables.js';
import { MMLU_PROTOCOLS } from '../experiment/mmlu.js';

function htmlTable(t: Table): string {
  const head = t.header.some((h) => h !== '') ? `<thead><tr>${t.header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` : '';
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c).replace(/`([^`]+)`/g, '<code>$1</code>')}</td>`).join('')}</tr>`).join('');
  return `<h3>${esc(t.title)}</h3><table>${head}<tbody>${body}</tbody></table>${t.note ? `<p class="note">${esc(t.note)}</p>` : ''}`;
}

/** The charts of a report (name -> SVG), also used by tests. */
export function reportCharts(r: ExperimentReport): Record<string, string> {
  const charts: Record<string, string> = {};
  const val: Series[] = [], train: Series[] = [];
  r.arms.forEach((a, i) => {
    a.seeds.forEach((s, k) => {
      const color = COLORS[i % COLORS.length];
      val.push({ name: `${a.label} s${s.seed}`, color, dashed: k > 0, points: s.history.filter((h) => h.valLoss !== undefined).map((h) => [h.tokens, h.valLoss!]) });
      if (k === 0) train.push({ name: `${a.label} s${s.seed}`, color, points: smooth(s.history.map((h) => [h.tokens, h.loss])) });
    });
  });
  charts.valLoss = lineChartSvg(val, { title: 'Validation loss', xLabel: 'training tokens seen', yLabel: 'loss (nats/token)' });
  charts.trainLoss = lineChartSvg(train, { title: 'Training loss (first seed, moving average of 10 steps)', xLabel: 'training tokens seen', yLabel: 'loss (nats/token)' });
  charts.finalLoss = barChartSvg([{ group: 'final validation loss', values: r.arms.map((a) => ({ bar: a.label, value: a.valLoss.mean, ci95: a.valLoss.ci95 })) }], {
    title: 'Final validation loss (mean, 95 % CI over seeds)', yLabel: 'nats/token', yMin: Math.min(...r.arms.map((a) => a.valLoss.ci95?.[0] ?? a.valLoss.mean)) * 0.95, width: 520,
  });
  const freqKeys = [...new Set(r.arms.flatMap((a) => Object.keys(a.valLossByFrequency ?? {})))];
  if (freqKeys.length > 0) {
    charts.frequency = barChartSvg(freqKeys.map((k) => ({ group: k, values: r.arms.map((a) => ({ bar: a.label, value: a.valLossByFrequency?.[k]?.mean ?? NaN, ci95: a.valLossByFrequency?.[k]?.ci95 })) })), {
      title: 'Validation loss by token frequency in the training split', yLabel: 'nats/token',
    });
  }
  const scripts = r.arms[0]?.perplexity ?? [];
  if (scripts.length > 0) {
    charts.scripts = barChartSvg(scripts.map((p) => ({ group: p.name, values: r.arms.map((a) => { const q = a.perplexity.find((x) => x.key === p.key); return { bar: a.label, value: q?.loss.mean ?? NaN, ci95: q?.loss.ci95 }; }) })), {
      title: 'Held-out loss per script', yLabel: 'nats/token', width: 860,
    });
  }
  const protocols = MMLU_PROTOCOLS.filter((k) => r.arms.some((a) => a.mmlu[k]));
  charts.mmlu = barChartSvg(protocols.map((k) => ({ group: k, values: r.arms.map((a) => ({ bar: a.label, value: a.mmlu[k]?.mean ?? NaN, ci95: a.mmlu[k]?.ci95 })) })), {
    title: `MMLU accuracy (${r.setup.mmlu.items} items per run, 95 % CI)`, yLabel: 'accuracy', reference: { value: 0.25, label: 'chance 25 %' },
    format: (v) => `${(100 * v).toFixed(1)}%`,
  });
  if (protocols.some((k) => k.startsWith('paper'))) charts.invalid = barChartSvg(protocols.filter((k) => k.startsWith('paper')).map((k) => ({ group: k, values: r.arms.map((a) => ({ bar: a.label, value: a.mmlu[k]?.invalidRate ?? NaN })) })), {
    title: 'Paper protocol: share of answers that are not a letter A-D', yLabel: 'invalid-format rate', format: (v) => `${(100 * v).toFixed(1)}%`, width: 620,
  });
  if (r.glyph.map.length > 1) {
    charts.map = map2dSvg(r.glyph.map.map((p) => ({ id: p.id, x: p.x, y: p.y })), {
      labels: r.glyph.map.map((p) => p.label), groups: r.glyph.map.map((p) => p.group), title: `2-D PCA map of ${r.glyph.map.length} rows of the frozen glyph table`, width: 720, height: 520,
    });
  }
  return charts;
}

/** Base64 of bytes with the platform's btoa (Node >= 16 and browsers), in chunks to keep argument lists short. */
function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function smooth(points: Array<[number, number]>, k = 10): Array<[number, number]> {
  return points.map((p, i) => {
    const w = points.slice(Math.max(0, i - k + 1), i + 1);
    return [p[0], w.reduce((s, q) => s + q[1], 0) / w.length];
  });
}

const CSS = `body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.8em;border-bottom:1px solid #ddd}h3{font-size:1.05em;margin-top:1.4em}
table{border-collapse:collapse;margin:.5em 0;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}.note{font-size:.85em;color:#555}.verdict li{margin:.3em 0}figure{margin:1em 0}svg{max-width:100%;height:auto}
pre{background:#f7f7f7;padding:.5em;white-space:pre-wrap;font-size:.85em}.sheet img{image-rendering:pixelated;max-width:100%;border:1px solid #ddd}`;

/** The HTML page. `sheetPng`: the glyph sheet's bytes (inlined). */
export function renderHtml(r: ExperimentReport, assets: { sheetPng?: Uint8Array } = {}): string {
  const charts = reportCharts(r);
  const fig = (name: string): string => (charts[name] ? `<figure class="chart" data-chart="${name}">${charts[name]}</figure>` : '');
  const ft = frequencyTable(r);
  const samples = (r.arms[0]?.seeds[0]?.samples ?? []).map((s, i) => `<h3>Prompt ${esc(JSON.stringify(s.prompt))}</h3>${r.arms.map((a) => `<p><b>${esc(a.label)}</b></p><pre>${esc(s.prompt)}<b>${esc(a.seeds[0]?.samples[i]?.completion ?? '')}</b></pre>`).join('')}`).join('');
  const sheet = assets.sheetPng
    ? `<figure class="sheet"><img alt="glyph sheet of sample tokens (bvv241-2-3 pictures)" src="data:image/png;base64,${base64(assets.sheetPng)}"><figcaption>${r.glyph.sampleTokens.map((t) => `${t.id} ${JSON.stringify(t.text)}`).map(esc).join(' · ')}</figcaption></figure>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>glyphlm experiment: ${esc(r.name)}</title><style>${CSS}</style></head>
<body>
<h1>glyphlm experiment: ${esc(r.name)}</h1>
<p>Frozen visual Unicode embeddings (Bochkov, TMLR 2025) against a trainable table, trained on the same backbone, data and batch order. Preset <b>${esc(r.preset)}</b>.</p>
<h2>Verdict</h2><ul class="verdict">${r.verdict.map((v) => `<li>${esc(v)}</li>`).join('')}</ul>
<h2>Setup</h2>${htmlTable(setupTable(r))}
<h2>Loss</h2>${fig('valLoss')}${fig('trainLoss')}${fig('finalLoss')}${htmlTable(valLossTable(r))}${htmlTable(pairedLossTable(r))}
${ft ? fig('frequency') + htmlTable(ft) : ''}
<h2>Held-out text per script</h2>${fig('scripts')}${htmlTable(perplexityTable(r))}
<h2>MMLU</h2>${fig('mmlu')}${htmlTable(mmluTable(r))}${fig('invalid')}${htmlTable(mmluPairedTable(r))}
<h2>The frozen table</h2>${sheet}${fig('map')}
<h2>Sample generations</h2><p class="note">Greedy, first seed of each arm, same prompts.</p>${samples}
<p class="note">Generated by <code>glyphlm</code>; data in report.json.</p>
</body></html>
`;
}
