// `glyphlm report`: re-renders report.md and report.html of run folders from their report.json (after an upgrade
// of the renderer, or to check a copied folder); one line per folder on stdout.
import { join } from 'node:path';
import type { CliIO } from '../cli/program.js';
import { readReport, writeReportFiles } from '../report/write.js';

export async function reportCommand(runs: string[], io: CliIO): Promise<void> {
  const loaded = runs.map((r) => readReport(r)); // every folder checked before anything is written
  for (const { report, dir } of loaded) {
    await writeReportFiles(dir, report);
    io.stdout(`${join(dir, 'report.html')}\n`);
  }
}
