// @glyphlm/cli: the `glyphlm` command (bin) and its building blocks for scripts: runCli, the experiment runner,
// presets, the embedded default corpus, and the report renderers.
export { runCli, buildProgram, type CliIO } from './cli/program.js';
export { UsageError, exitCodeOf } from './cli/errors.js';
export { runExperiment, type ExperimentIO, type ExperimentOutcome } from './experiment/experiment.js';
export { resolveExperiment, type ExperimentFlags, type ResolvedExperiment } from './experiment/options.js';
export { PRESETS, PRESET_NAMES, ARM_NAMES, type Preset, type PresetName, type ArmName } from './experiment/presets.js';
export { embeddedCorpus, filesCorpus, type CorpusPlan, type HeldOutGroup, type CorpusSource } from './corpus/corpus-plan.js';
export { mmluInstructionExamples } from './corpus/instructions.js';
export { renderHtml, reportCharts } from './report/html.js';
export { renderMarkdown } from './report/markdown.js';
export { verdict } from './report/verdict.js';
export type { ExperimentReport, ArmReport, SeedRun } from './report/types.js';
