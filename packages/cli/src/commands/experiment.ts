// `glyphlm experiment`: the main job (see experiment/experiment.ts), or with --preset specialists / specialists-tiny
// the specialists-and-fusion experiment (experiment/specialists.ts). Exit code 130 when Ctrl-C stopped it.
import type { CliIO } from '../cli/io.js';
import { runExperiment } from '../experiment/experiment.js';
import type { ExperimentFlags } from '../experiment/options.js';

export async function experimentCommand(opts: ExperimentFlags, io: CliIO): Promise<void> {
  const argv = process.argv.slice(2).map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ');
  const { isSpecialistsPreset, runSpecialists } = await import('../experiment/specialists.js');
  const run = isSpecialistsPreset(opts.preset) ? runSpecialists : runExperiment;
  const outcome = await run(opts, { out: io.stdout, err: io.stderr }, `glyphlm ${argv}`.trim());
  if (outcome.status === 'interrupted') process.exitCode = 130;
}
