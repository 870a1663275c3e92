// `glyphlm report`: re-renders report.md and report.html of run folders from their report.json (after an upgrade
// of the renderer, or to check a copied folder); one line per folder on stdout.
import { join } from 'node:path';
import type { CliIO } from '../cli/io.js';
import { readReport, writeReportFiles } from '../report/write.js';
import { readSpecialistsReport, writeSpecialistsReportFiles } from '../report/specialists-write.js';

export async function reportCommand(runs: string[], io: CliIO): Promise<void> {
  // every folder checked before anything is written; a specialists run (its own schema) renders with its renderers
  const loaded = runs.map((r) => readSpecialistsReport(r) ?? { ...readReport(r), specialists: false as const });
  for (const l of loaded) {
    if ('specialists' in l) await writeReportFiles(l.dir, l.report);
    else await writeSpecialistsReportFiles(l.dir, l.report);
    io.stdout(`${join(l.dir, 'report.html')}\n`);
  }
}
