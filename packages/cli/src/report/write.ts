// Writing and re-reading a run folder's reports: report.json (the data), report.md and report.html (rendered from
// it), each through a temp file and a rename.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../cli/errors.js';
import { writeAtomic } from '../cli/files.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { ExperimentReport } from './types.js';

export async function writeReportFiles(outDir: string, report: ExperimentReport): Promise<void> {
  const sheetPath = join(outDir, report.glyph.sheetPng);
  const sheetPng = existsSync(sheetPath) ? new Uint8Array(readFileSync(sheetPath)) : undefined;
  await writeAtomic(join(outDir, 'report.json'), JSON.stringify(report, null, 1));
  await writeAtomic(join(outDir, 'report.md'), renderMarkdown(report));
  await writeAtomic(join(outDir, 'report.html'), renderHtml(report, { sheetPng }));
}

export function readReport(path: string): { report: ExperimentReport; dir: string } {
  const file = path.endsWith('.json') ? path : join(path, 'report.json');
  if (!existsSync(file)) throw new UsageError(`no report.json in ${path} (run glyphlm experiment first)`);
  let report: ExperimentReport;
  try { report = JSON.parse(readFileSync(file, 'utf8')); } catch (err) { throw new UsageError(`${file}: not valid JSON (${(err as Error).message})`); }
  if (report?.schema !== 'glyphlm.experiment.report/1') throw new UsageError(`${file}: field "schema" is ${JSON.stringify(report?.schema)}, expected glyphlm.experiment.report/1`);
  return { report, dir: file.slice(0, file.length - 'report.json'.length) || '.' };
}
