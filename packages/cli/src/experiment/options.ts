// `glyphlm experiment` flags -> a resolved experiment (preset plus overrides), validated before any work: unknown
// arms, empty or repeated seeds, missing corpus files and unknown tokenizers are UsageErrors naming the value.
import { resolve } from 'node:path';
import { UsageError } from '../cli/errors.js';
import { requireFile } from '../cli/files.js';
import { resolveTokenizer } from '../cli/tokenizer.js';
import { ARM_NAMES, PRESETS, PRESET_NAMES, scheduleFor, type ArmName, type Preset, type PresetName } from './presets.js';

export interface ExperimentFlags {
  preset: string;
  steps?: number;
  /** Minutes for the whole run (the steps are sized to fit); ignored with --steps. */
  budget?: number;
  seeds?: number[];
  arms?: string[];
  corpus?: string[];
  tokenizer: string;
  workers?: number;
  compact?: boolean;
  name?: string;
  out?: string;
  resume?: boolean;
  force?: boolean;
}

/** Everything that determines an experiment's figures (stored in experiment.json; --resume must match it). */
export interface ResolvedExperiment {
  name: string;
  preset: Preset;
  tokenizer: string;
  corpusFiles: string[] | null;
  compact: boolean;
}

export function resolveExperiment(flags: ExperimentFlags): { exp: ResolvedExperiment; outDir: string } {
  if (!PRESET_NAMES.includes(flags.preset as PresetName)) throw new UsageError(`unknown preset '${flags.preset}' (use ${PRESET_NAMES.join(', ')})`);
  const base = PRESETS[flags.preset as PresetName];
  const preset: Preset = structuredClone(base);
  if (flags.budget !== undefined) preset.budgetMinutes = flags.budget;
  if (flags.steps !== undefined) {
    preset.train = scheduleFor(preset.train, flags.steps);
    delete preset.budgetMinutes;
  }
  if (flags.seeds !== undefined) {
    if (flags.seeds.length === 0) throw new UsageError('--seeds: give at least one seed');
    if (new Set(flags.seeds).size !== flags.seeds.length) throw new UsageError(`--seeds: repeated seed in ${flags.seeds.join(',')}`);
    preset.seeds = flags.seeds;
    delete preset.armSeeds; // every arm runs the seeds given
  }
  if (flags.arms !== undefined) {
    if (flags.arms.length === 0) throw new UsageError('--arms: give at least one arm');
    for (const a of flags.arms) if (!ARM_NAMES.includes(a as ArmName)) throw new UsageError(`--arms: unknown arm '${a}' (use ${ARM_NAMES.join(', ')})`);
    if (new Set(flags.arms).size !== flags.arms.length) throw new UsageError(`--arms: repeated arm in ${flags.arms.join(',')}`);
    preset.arms = flags.arms as ArmName[];
  }
  for (const [arm, seeds] of Object.entries(preset.armSeeds ?? {})) {
    const extra = seeds.filter((s) => !preset.seeds.includes(s));
    if (extra.length) throw new UsageError(`preset ${preset.name}: arm ${arm} runs seeds ${extra.join(',')} that are not among its seeds ${preset.seeds.join(',')}`);
  }
  if (flags.workers !== undefined) preset.workers = flags.workers;
  const corpusFiles = flags.corpus ? flags.corpus.map((f) => resolve(requireFile(f, 'corpus file'))) : null;
  resolveTokenizer(flags.tokenizer); // throws a UsageError for an unknown name or a missing file
  const compact = flags.compact === false ? false : preset.compact;
  const name = flags.name ?? preset.name;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name '${name}' must be letters, digits, '.', '_' or '-'`);
  const outDir = resolve(flags.out ?? `runs/${name}`);
  return { exp: { name, preset, tokenizer: flags.tokenizer, corpusFiles, compact }, outDir };
}
