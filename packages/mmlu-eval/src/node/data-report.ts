// Node adapter: saves and reads reports. Results as JSON, the markdown tables and the SVG chart, each written to a
// temp file in the same directory and renamed, so an interrupted run never leaves a half-written report.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalResult } from '../protocols/types.js';
import { resultFromJSON, resultToJSON } from '../report/json.js';
import { resultsMarkdown, type MarkdownOptions } from '../report/markdown.js';
import { accuracyChartSvg, type ChartOptions } from '../report/svg.js';

/** Writes `text` to `path` through a temp file in the same directory and a rename. */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`${path}: cannot write (${(e as Error).message})`);
  }
}

/** Saves a result as JSON (stable schema, see resultToJSON). */
export async function writeResultJson(path: string, r: EvalResult): Promise<void> {
  await writeTextAtomic(path, JSON.stringify(resultToJSON(r), null, 1) + '\n');
}

/** Reads a saved result; errors name the file and the field at fault. */
export async function readResultJson(path: string): Promise<EvalResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: cannot read result (${(e as Error).message})`);
  }
  return resultFromJSON(text, path);
}

export interface ReportFiles {
  json: string[];
  markdown: string;
  svg: string;
}

/** Writes result-1.json …, report.md and accuracy.svg for `results` into `dir` (created if needed). */
export async function writeReportFiles(dir: string, results: readonly EvalResult[], opts: { markdown?: MarkdownOptions; chart?: ChartOptions } = {}): Promise<ReportFiles> {
  const markdown = resultsMarkdown(results, opts.markdown); // everything computed before anything is written
  const svg = accuracyChartSvg(results, opts.chart);
  await mkdir(dir, { recursive: true });
  const json: string[] = [];
  for (const [i, r] of results.entries()) {
    const p = join(dir, `result-${i + 1}.json`);
    await writeResultJson(p, r);
    json.push(p);
  }
  const md = join(dir, 'report.md');
  const chart = join(dir, 'accuracy.svg');
  await writeTextAtomic(md, markdown);
  await writeTextAtomic(chart, svg);
  return { json, markdown: md, svg: chart };
}
