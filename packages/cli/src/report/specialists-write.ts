// Writing and re-reading a specialists run's reports: report.json (the data), report.md and report.html (rendered
// from it), each through a temp file and a rename. `glyphlm report` re-renders through here when the schema is
// glyphlm.specialists.report/1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from '../cli/files.js';
import { renderSpecialistsHtml, renderSpecialistsMarkdown } from './specialists-render.js';
import { SPECIALISTS_SCHEMA, type SpecialistsReport } from './specialists-types.js';

export async function writeSpecialistsReportFiles(outDir: string, report: SpecialistsReport): Promise<void> {
  await writeAtomic(join(outDir, 'report.json'), JSON.stringify(report, null, 1));
  await writeAtomic(join(outDir, 'report.md'), renderSpecialistsMarkdown(report));
  await writeAtomic(join(outDir, 'report.html'), renderSpecialistsHtml(report));
}

/** The specialists report at `path` (a run folder or its report.json), or null when it is not one. */
export function readSpecialistsReport(path: string): { report: SpecialistsReport; dir: string } | null {
  const file = path.endsWith('.json') ? path : join(path, 'report.json');
  if (!existsSync(file)) return null;
  let report: SpecialistsReport;
  try { report = JSON.parse(readFileSync(file, 'utf8')); } catch { return null; }
  if (report?.schema !== SPECIALISTS_SCHEMA) return null;
  return { report, dir: file.slice(0, file.length - 'report.json'.length) || '.' };
}
