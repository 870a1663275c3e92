// `glyphlm experiment`: the main job (see experiment/experiment.ts). Exit code 130 when Ctrl-C stopped it.
import type { CliIO } from '../cli/program.js';
import { runExperiment } from '../experiment/experiment.js';
import type { ExperimentFlags } from '../experiment/options.js';

export async function experimentCommand(opts: ExperimentFlags, io: CliIO): Promise<void> {
  const argv = process.argv.slice(2).map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const outcome = await runExperiment(opts, { out: io.stdout, err: io.stderr }, `glyphlm ${argv}`.trim());
  if (outcome.status === 'interrupted') process.exitCode = 130;
}
