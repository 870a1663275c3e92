// The main job: `glyphlm experiment`. Prepares data and tables, trains every arm x seed (seed by seed, so paired
// comparisons exist as early as possible), evaluates each, and writes runs/<name>/report.{json,md,html}.
// The run folder holds experiment.json (the resolved settings; --resume must match them), each arm's checkpoints
// and result.json, and the reports. Ctrl-C stops after the current step with a checkpoint; --resume continues.
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { glyphSheet, map2d } from '@glyphlm/glyph-embeddings/viz';
import { parameterCount, useBackend } from '@glyphlm/transformer-core';
import { tableHash } from '@glyphlm/trainer';
import { UsageError } from '../cli/errors.js';
import { writeAtomic } from '../cli/files.js';
import { createProgress, type Progress } from '../cli/progress.js';
import { writeReportFiles } from '../report/write.js';
import type { ArmReport, Calibration, ExperimentReport, SeedRun } from '../report/types.js';
import { verdict } from '../report/verdict.js';
import { armStatistics, pairedMmlu, pairedValLoss } from './aggregate.js';
import { estimateTraining, humanDuration } from './estimate.js';
import { PROTOCOL_LABELS } from './mmlu.js';
import { resolveExperiment, type ExperimentFlags, type ResolvedExperiment } from './options.js';
import { ARM_LABELS, GLYPH_RECIPE, prepareExperiment, type Prepared } from './prepare.js';
import { scheduleFor, seedsFor, type ArmName, type Preset } from './presets.js';
import { calibrate } from './calibrate.js';
import { runArmSeed } from './run-arm.js';
import { selectItems } from '@glyphlm/mmlu-eval';

export const STATE_FILE = 'experiment.json';

export interface ExperimentIO {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Progress displays (default: bars on a TTY, plain lines otherwise). */
  quiet?: boolean;
}

export interface ExperimentOutcome {
  status: 'done' | 'interrupted' | 'estimate';
  outDir: string;
  report?: ExperimentReport;
}

interface StateFile {
  schema: 'glyphlm.experiment.state/1';
  exp: ResolvedExperiment;
  command: string;
  timing: { prepareSeconds: number; trainSeconds: number; evalSeconds: number; wallSeconds: number };
  /** The time-budget calibration (kept so --resume trains the same steps). */
  calibration?: Calibration;
}

function sameSettings(a: ResolvedExperiment, b: ResolvedExperiment): string | null {
  const ja = JSON.stringify(a), jb = JSON.stringify(b);
  if (ja === jb) return null;
  for (const k of Object.keys(a) as Array<keyof ResolvedExperiment>) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return k;
  }
  return 'settings';
}

async function checkFolder(outDir: string, exp: ResolvedExperiment, flags: ExperimentFlags): Promise<{ state: StateFile | null }> {
  const stateFile = join(outDir, STATE_FILE);
  if (flags.force && existsSync(outDir)) { await rm(outDir, { recursive: true, force: true }); return { state: null }; }
  if (!existsSync(stateFile)) return { state: null }; // --resume with nothing to resume starts the run
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
  if (!flags.resume) {
    const done = existsSync(join(outDir, 'report.json'));
    throw new UsageError(`${outDir} already holds ${done ? 'a finished' : 'an interrupted'} experiment: use --resume to ${done ? 're-render it' : 'continue it'}, --force to start over, or --name for a new run`);
  }
  const diff = sameSettings(state.exp, exp);
  if (diff) throw new UsageError(`--resume: the flags change '${diff}' of the experiment in ${outDir}; resume with the same flags (or none but --name/--out)`);
  return { state };
}

/** Runs (or resumes) an experiment. */
export async function runExperiment(flags: ExperimentFlags, io: ExperimentIO, command = 'glyphlm experiment'): Promise<ExperimentOutcome> {
  const wall0 = performance.now();
  let { exp, outDir } = resolveExperiment(flags);
  if (flags.resume && existsSync(join(outDir, STATE_FILE))) {
    // flags left out on --resume take the stored values
    const stored = (JSON.parse(readFileSync(join(outDir, STATE_FILE), 'utf8')) as StateFile).exp;
    const given = flags.preset !== 'laptop' || flags.steps !== undefined || flags.seeds !== undefined || flags.arms !== undefined || flags.corpus !== undefined || flags.workers !== undefined;
    if (!given) exp = { ...stored, name: exp.name };
  }
  if (exp.preset.name === 'paper-335m') return estimateOnly(exp, outDir, io);
  const { state } = await checkFolder(outDir, exp, flags);
  const timing = state?.timing ?? { prepareSeconds: 0, trainSeconds: 0, evalSeconds: 0, wallSeconds: 0 };
  let calibration = state?.calibration;
  const saveState = () => writeAtomic(join(outDir, STATE_FILE), JSON.stringify({ schema: 'glyphlm.experiment.state/1', exp, command: state?.command ?? command, timing, calibration } satisfies StateFile, null, 2));
  await saveState();
  const log = (s: string) => io.err(`${s}\n`);
  const backend = await useBackend('auto');
  const t0 = performance.now();
  const prep = await prepareExperiment(exp, outDir, log);
  timing.prepareSeconds += (performance.now() - t0) / 1000;
  await saveState();
  // the effective preset: the budget's calibrated steps (measured once, stored for --resume)
  const p = structuredClone(exp.preset);
  if (p.budgetMinutes !== undefined) {
    calibration ??= await calibrate(p, prep, (performance.now() - wall0) / 1000, log);
    p.train = scheduleFor(p.train, calibration.steps);
    await saveState();
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    log('glyphlm: stopping after the current step (a checkpoint is written); Ctrl-C again to quit at once');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const byArm = new Map<string, SeedRun[]>();
  try {
    for (const seed of p.seeds) {
      for (const [armName, arm] of prep.arms) {
        if (!seedsFor(p, armName).includes(seed)) continue;
        const res = await runArmSeed({
          outDir, preset: p, prep, signal: controller.signal, log,
          progress: (label, total): Progress => createProgress(label, total, { quiet: io.quiet }),
        }, armName, arm, seed);
        if (!res) {
          await saveState();
          log(`glyphlm: interrupted; continue with: ${command.includes('--resume') ? command : `${command} --resume`}`);
          return { status: 'interrupted', outDir };
        }
        timing.trainSeconds += res.trainSeconds;
        timing.evalSeconds += res.evalSeconds;
        await saveState();
        byArm.set(armName, [...(byArm.get(armName) ?? []), res.run]);
        log(`${armName} s${seed}: val loss ${res.run.finalValLoss.toFixed(4)} after ${res.run.tokensSeen.toLocaleString('en-US')} tokens`);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  timing.wallSeconds += (performance.now() - wall0) / 1000;
  await saveState();
  const report = await buildReport(exp, p, outDir, prep, byArm, { backend, timing, resumed: state !== null, command: state?.command ?? command, calibration });
  await writeReportFiles(outDir, report);
  io.out(`${join(outDir, 'report.html')}\n`);
  for (const v of report.verdict) io.out(`- ${v}\n`);
  return { status: 'done', outDir, report };
}

function estimateOnly(exp: ResolvedExperiment, outDir: string, io: ExperimentIO): ExperimentOutcome {
  const e = estimateTraining(exp.preset, 65536);
  io.out(`paper-335m: ${e.runs} runs (${exp.preset.arms.length} arms x ${exp.preset.seeds.length} seeds${e.runs < exp.preset.arms.length * exp.preset.seeds.length ? ', some arms on fewer seeds' : ''}) of ${e.tokensPerRun.toLocaleString('en-US')} tokens at ${(e.flopsPerToken / 1e9).toFixed(2)} GFLOP/token.\n`);
  io.out(`On this CPU (${cpus().length} cores, ~${e.gflops} GFLOP/s sustained on wasm) that is about ${humanDuration(e.seconds)}: not a CPU job.\n`);
  io.out('Use the PyTorch twin on GPUs instead: write each arm as a step-0 run (initial weights, AdamW at step 0, shards) and continue it with torchrun:\n');
  for (const arm of exp.preset.arms) {
    io.out(`  glyphlm export-torch --init --preset paper-335m --arm ${arm} --out ${join(outDir, `${arm}-torch`)} --nproc 8 --steps ${exp.preset.train.steps}\n`);
  }
  io.out('  (each prints its torchrun command of interop/python/continue_training.py; glyphlm import-torch brings the result back)\n');
  return { status: 'estimate', outDir };
}

interface ReportContext {
  calibration: Calibration | undefined;
  backend: string;
  timing: StateFile['timing'];
  resumed: boolean;
  command: string;
}

async function glyphSection(prep: Prepared, outDir: string): Promise<ExperimentReport['glyph']> {
  const tok = prep.tokenizer;
  const ids: number[] = [], groups: string[] = [];
  const unk = tok.specialTokens['<unk>'];
  for (const g of prep.plan.heldOut) {
    let k = 0;
    for (const id of tok.encode(g.text)) {
      if (k >= 4) break;
      if (id === unk || ids.includes(id) || tok.tokenString(id).trim().length < 1) continue;
      ids.push(id); groups.push(g.name); k++;
    }
  }
  const sheet = await glyphSheet(tok, ids, { recipe: GLYPH_RECIPE });
  await writeAtomic(join(outDir, 'glyph-sheet.png'), sheet);
  const points = ids.length > 2 ? await map2d(prep.glyph, ids, { method: 'pca' }) : [];
  return {
    sheetPng: 'glyph-sheet.png',
    sampleTokens: ids.map((id) => ({ id, text: tok.tokenString(id) })),
    map: points.map((pt, i) => ({ id: pt.id, x: pt.x, y: pt.y, label: tok.tokenString(ids[i]), group: groups[i] })),
  };
}

async function buildReport(exp: ResolvedExperiment, p: Preset, outDir: string, prep: Prepared, byArm: Map<string, SeedRun[]>, ctx: ReportContext): Promise<ExperimentReport> {
  const arms: ArmReport[] = [];
  for (const [name, arm] of prep.arms) {
    const runs = byArm.get(name)!;
    const total = parameterCount(prep.config);
    const table = prep.config.vocabSize * p.model.nEmbed;
    arms.push({
      name, label: ARM_LABELS[name as ArmName], embedding: arm.embedding, describe: arm.describe,
      trainableParameters: arm.embedding === 'frozen' ? total - table : total,
      seeds: runs, ...armStatistics(runs),
    });
  }
  const glyphHash = tableHash(prep.glyph.data);
  const frozenRuns = byArm.get('frozen') ?? [];
  const subjects = p.mmlu.subjects ?? prep.mmlu.subjects;
  const items = selectItems(prep.mmlu, p.mmlu.split, subjects, p.mmlu.limitPerSubject).length;
  const cpuList = cpus();
  const base: Omit<ExperimentReport, 'verdict'> = {
    schema: 'glyphlm.experiment.report/1',
    name: exp.name,
    preset: p.name,
    command: ctx.command,
    setup: {
      model: { ...prep.config } as unknown as Record<string, number>,
      parameters: { total: parameterCount(prep.config), nonEmbedding: parameterCount(prep.config, { includeEmbedding: false }) },
      tokenizer: {
        name: prep.baseTokenizer.name, fingerprint: prep.baseTokenizer.fingerprint, vocabSize: prep.baseTokenizer.vocabSize,
        compact: prep.compact ? { rows: prep.tokenizer.vocabSize, rule: prep.compact.rule } : null,
      },
      corpus: {
        description: prep.plan.description,
        sources: prep.plan.sources,
        trainTokens: prep.data.train.length,
        valTokens: prep.data.val.length,
        sft: prep.data.meta.sft ? { source: `MMLU val split (${prep.sftExamples} items, paper prompt format; the test split is never trained on)`, examples: prep.data.meta.sft.examples, tokens: prep.data.meta.sft.tokens, ratio: prep.data.meta.sft.ratio } : null,
        fingerprint: String(prep.data.meta.fingerprint),
      },
      training: { ...p.train, workers: p.workers, finalEvalBatches: p.finalEvalBatches },
      budget: p.budgetMinutes !== undefined && ctx.calibration ? { minutes: p.budgetMinutes, calibration: ctx.calibration } : null,
      seeds: p.seeds,
      armSeeds: Object.fromEntries([...prep.arms.keys()].map((a) => [a, seedsFor(p, a as ArmName)])),
      arms: [...prep.arms.keys()],
      tokensPerRun: arms[0]?.seeds[0]?.tokensSeen ?? 0,
      mmlu: { source: prep.mmlu.source, split: p.mmlu.split, subjects: subjects.length, itemsPerSubject: p.mmlu.limitPerSubject, items, protocols: Object.fromEntries(p.mmlu.protocols.map((k) => [k, PROTOCOL_LABELS[k]])), seeds: p.mmlu.firstSeedOnly ? [p.seeds[0]] : p.seeds },
      glyph: {
        recipe: GLYPH_RECIPE, font: prep.glyphFont, components: p.model.nEmbed, tableRows: prep.glyph.rows,
        frozenTableEqualsGlyphMatrix: frozenRuns.length > 0 && frozenRuns.every((r) => r.tableHashAfter === glyphHash),
        tableHash: glyphHash,
      },
      machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model?.trim() ?? 'unknown', node: process.versions.node, platform: `${process.platform}-${process.arch}`, memoryGiB: Math.round(totalmem() / 2 ** 30), backend: ctx.backend, workers: p.workers },
      timing: { totalSeconds: ctx.timing.wallSeconds, trainSeconds: ctx.timing.trainSeconds, evalSeconds: ctx.timing.evalSeconds, prepareSeconds: ctx.timing.prepareSeconds, resumed: ctx.resumed },
    },
    arms,
    comparisons: { valLoss: pairedValLoss(byArm), mmlu: pairedMmlu(outDir, byArm) },
    glyph: await glyphSection(prep, outDir),
  };
  return { ...base, verdict: verdict(base) };
}
