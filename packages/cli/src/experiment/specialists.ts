// `glyphlm experiment --preset specialists`: the author's *_moe recipe end to end. Two specialists (Latin-script and
// Cyrillic-script UDHR text) are trained separately from the same initial weights over one frozen glyph table and
// one compact vocabulary, then fused by averaging their logits (transformer-core fuseModels, saved with saveFused).
// Each specialist and the fusion are evaluated on both scripts' validation sets (the same windows for every model:
// t-based CIs over windows, paired differences by window, the trainer's summarize / pairedDifference) and on MMLU
// (harness protocol; mmlu-eval's CIs and compareModels). Writes report.{json,md,html} into the run folder.
// Training resumes per specialist from its checkpoints (--resume); evaluation is recomputed.
import { cpus, totalmem } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { compareModels, selectItems, type EvalResult } from '@glyphlm/mmlu-eval';
import { createArmModel, pairedDifference, summarize, tableHash, train } from '@glyphlm/trainer';
import {
  fuseModels, loadCheckpoint, loadFused, parameterCount, saveCheckpoint, saveFused, tableFingerprint, useBackend, type FusedModel, type GPT,
} from '@glyphlm/transformer-core';
import { UsageError } from '../cli/errors.js';
import { writeAtomic } from '../cli/files.js';
import { createProgress } from '../cli/progress.js';
import { SPECIALISTS_SCHEMA, type SpecialistsModelReport, type SpecialistsReport } from '../report/specialists-types.js';
import { specialistsVerdict } from '../report/specialists-render.js';
import { writeSpecialistsReportFiles } from '../report/specialists-write.js';
import type { HistoryPoint } from '../report/types.js';
import type { ExperimentIO, ExperimentOutcome } from './experiment.js';
import type { ExperimentFlags } from './options.js';
import { GLYPH_RECIPE } from './prepare.js';
import { prepareSpecialists, SPECIALISTS_TOKENIZER, type PreparedSpecialists, type SpecialistData } from './specialists-data.js';
import { greedySamples, mmluHarness, windowLosses, type AnyModel } from './specialists-eval.js';
import {
  SPECIALISTS_PRESETS, SPECIALISTS_PRESET_NAMES, specialistsSchedule, type SpecialistsPreset, type SpecialistsPresetName,
} from './specialists-presets.js';

const STATE_FILE = 'specialists.json';
/** Key of the validation set made of both scripts' windows. */
export const BOTH = 'both';

interface StateFile {
  schema: 'glyphlm.specialists.state/1';
  preset: SpecialistsPreset;
  command: string;
  timing: { prepareSeconds: number; trainSeconds: number; evalSeconds: number; wallSeconds: number };
}

interface TrainedSpecialist { history: HistoryPoint[]; tokensSeen: number; trainSeconds: number }

export function isSpecialistsPreset(name: string): name is SpecialistsPresetName {
  return SPECIALISTS_PRESET_NAMES.includes(name as SpecialistsPresetName);
}

/** Flags -> the resolved preset and run folder; flags the preset does not use are refused (one line, exit 2). */
export function resolveSpecialists(flags: ExperimentFlags): { preset: SpecialistsPreset; name: string; outDir: string } {
  if (!isSpecialistsPreset(flags.preset)) throw new UsageError(`unknown specialists preset '${flags.preset}' (use ${SPECIALISTS_PRESET_NAMES.join(', ')})`);
  const preset = structuredClone(SPECIALISTS_PRESETS[flags.preset]);
  if (flags.arms !== undefined) throw new UsageError(`--arms: the ${flags.preset} preset trains two frozen-table specialists (no arms)`);
  if (flags.corpus !== undefined) throw new UsageError(`--corpus: the ${flags.preset} preset trains on its two UDHR script corpora (see src/experiment/specialists-presets.ts)`);
  if (flags.budget !== undefined) throw new UsageError(`--budget: the ${flags.preset} preset has fixed steps; use --steps`);
  if (flags.compact === false) throw new UsageError(`--no-compact: the ${flags.preset} preset needs the shared compact vocabulary`);
  if (flags.tokenizer !== SPECIALISTS_TOKENIZER) throw new UsageError(`--tokenizer: the ${flags.preset} preset uses ${SPECIALISTS_TOKENIZER}`);
  if (flags.steps !== undefined) preset.train = specialistsSchedule(preset.train, flags.steps);
  if (flags.seeds !== undefined) {
    if (flags.seeds.length !== 1) throw new UsageError(`--seeds: the ${flags.preset} preset runs one seed (CIs are over validation windows and MMLU items), got ${flags.seeds.join(',')}`);
    preset.seed = flags.seeds[0];
  }
  if (flags.workers !== undefined) preset.workers = flags.workers;
  const name = flags.name ?? preset.name;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`--name '${name}' must be letters, digits, '.', '_' or '-'`);
  return { preset, name, outDir: resolve(flags.out ?? `runs/${name}`) };
}

async function trainSpecialist(p: SpecialistsPreset, prep: PreparedSpecialists, s: SpecialistData, outDir: string, io: ExperimentIO, signal: AbortSignal): Promise<TrainedSpecialist | null> {
  const dir = join(outDir, 'specialists', s.corpus.key);
  const resultFile = join(dir, 'result.json');
  if (existsSync(resultFile)) return JSON.parse(readFileSync(resultFile, 'utf8')) as TrainedSpecialist;
  const t = p.train;
  const model = createArmModel(prep.arm, prep.config, p.seed); // same seed: both specialists start from the same weights
  try {
    const bar = createProgress(`specialist ${s.corpus.key}`, t.steps, { quiet: io.quiet });
    const t0 = performance.now();
    const res = await train({
      model, data: s.data, steps: t.steps, batchSize: t.batchSize, seed: p.seed, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps,
      weightDecay: t.weightDecay, gradClip: t.gradClip, gradAccumSteps: t.gradAccumSteps, evalEvery: t.evalEvery, evalBatches: t.evalBatches,
      checkpointDir: join(dir, 'checkpoints'), checkpointEvery: t.checkpointEvery, resume: true, workers: p.workers, signal,
      onProgress: (e) => bar.update({ done: e.step, info: `loss ${e.loss.toFixed(3)}${e.valLoss !== undefined ? ` val ${e.valLoss.toFixed(3)}` : ''} · ${Math.round(e.tokensPerSecond)} tok/s` }),
    });
    bar.stop();
    if (res.aborted) return null;
    await saveCheckpoint(model, join(dir, 'final'));
    const last = res.history[res.history.length - 1];
    const out: TrainedSpecialist = {
      history: res.history.map((h) => ({ step: h.step, loss: h.loss, valLoss: h.valLoss, lr: h.lr, tokens: h.tokens, tokensPerSecond: h.tokensPerSecond, elapsedMs: h.elapsedMs })),
      tokensSeen: last?.tokens ?? 0,
      trainSeconds: (performance.now() - t0) / 1000,
    };
    await writeAtomic(resultFile, JSON.stringify(out));
    return out;
  } finally {
    model.dispose();
  }
}

interface Evaluated { windows: Record<string, number[]>; mmlu: EvalResult; samples: Array<{ prompt: string; completion: string }> }

async function evaluateModel(model: AnyModel, key: string, p: SpecialistsPreset, prep: PreparedSpecialists, outDir: string, io: ExperimentIO): Promise<Evaluated> {
  const windows: Record<string, number[]> = {};
  for (const s of prep.specialists) windows[s.corpus.key] = await windowLosses(model, s.pureVal, p.model.blockSize, p.valWindows);
  const bar = createProgress(`${key} MMLU`, 100, { quiet: io.quiet });
  const mmlu = await mmluHarness(model, prep.tokenizer, prep.mmlu, p.mmlu, key, (d, n) => bar.update({ done: Math.round((100 * d) / Math.max(1, n)) }));
  bar.stop();
  await writeAtomic(join(outDir, 'eval', `${key}-harness.json`), JSON.stringify(mmlu));
  const samples = await greedySamples(model, prep.tokenizer, p.samples.prompts, p.samples.maxNewTokens);
  return { windows, mmlu, samples };
}

function stateOf(outDir: string): StateFile | null {
  const f = join(outDir, STATE_FILE);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as StateFile) : null;
}

/** Runs (or resumes) a specialists experiment. */
export async function runSpecialists(flags: ExperimentFlags, io: ExperimentIO, command = 'glyphlm experiment --preset specialists'): Promise<ExperimentOutcome> {
  const wall0 = performance.now();
  const { preset: p, name, outDir } = resolveSpecialists(flags);
  if (flags.force && existsSync(outDir)) await rm(outDir, { recursive: true, force: true });
  let state = stateOf(outDir);
  if (state && !flags.resume) {
    const done = existsSync(join(outDir, 'report.json'));
    throw new UsageError(`${outDir} already holds ${done ? 'a finished' : 'an interrupted'} specialists run: use --resume to ${done ? 're-evaluate it' : 'continue it'}, --force to start over, or --name for a new run`);
  }
  if (state && JSON.stringify(state.preset) !== JSON.stringify(p)) throw new UsageError(`--resume: the flags change the settings of the specialists run in ${outDir}; resume with the same flags`);
  const resumed = state !== null;
  state ??= { schema: 'glyphlm.specialists.state/1', preset: p, command, timing: { prepareSeconds: 0, trainSeconds: 0, evalSeconds: 0, wallSeconds: 0 } };
  const st = state;
  const save = () => writeAtomic(join(outDir, STATE_FILE), JSON.stringify(st, null, 2));
  await save();
  const log = (s: string) => io.err(`${s}\n`);
  const backend = await useBackend('auto');
  const t0 = performance.now();
  const prep = await prepareSpecialists(p, outDir, log);
  st.timing.prepareSeconds += (performance.now() - t0) / 1000;

  const controller = new AbortController();
  const onSigint = () => { log('glyphlm: stopping after the current step (a checkpoint is written)'); controller.abort(); };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const trained: TrainedSpecialist[] = [];
  try {
    for (const s of prep.specialists) {
      const r = await trainSpecialist(p, prep, s, outDir, io, controller.signal);
      if (!r) {
        await save();
        log(`glyphlm: interrupted; continue with: ${command.includes('--resume') ? command : `${command} --resume`}`);
        return { status: 'interrupted', outDir };
      }
      st.timing.trainSeconds += r.trainSeconds;
      trained.push(r);
      await save();
    }
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }

  // fuse (no retraining) and evaluate all three models on the same inputs
  const e0 = performance.now();
  const fusedDir = join(outDir, 'fused');
  const memberDirs = prep.specialists.map((s) => join(outDir, 'specialists', s.corpus.key, 'final'));
  const fresh = createArmModel(prep.arm, prep.config, p.seed);
  const startTable = await tableFingerprint(fresh);
  fresh.dispose();
  {
    const members = [];
    for (const d of memberDirs) members.push(await loadCheckpoint(d));
    const fused = await fuseModels(members, { average: p.average });
    try { await saveFused(fused, fusedDir); } finally { fused.dispose(); }
  }
  const evals = new Map<string, Evaluated>();
  let fusedInfo: { weights: number[]; table: string } | null = null;
  for (const [i, s] of prep.specialists.entries()) {
    const m: GPT = await loadCheckpoint(memberDirs[i]);
    try { evals.set(s.corpus.key, await evaluateModel(m, s.corpus.key, p, prep, outDir, io)); } finally { m.dispose(); }
  }
  const fused: FusedModel = await loadFused(fusedDir);
  try {
    fusedInfo = { weights: [...fused.weights], table: fused.tableFingerprint };
    evals.set('fused', await evaluateModel(fused, 'fused', p, prep, outDir, io));
  } finally { fused.dispose(); }
  st.timing.evalSeconds += (performance.now() - e0) / 1000;
  st.timing.wallSeconds += (performance.now() - wall0) / 1000;
  await save();

  const report = buildReport(p, name, outDir, prep, trained, evals, {
    command: st.command, backend, timing: st.timing, resumed, fusedWeights: fusedInfo.weights, fusedTable: fusedInfo.table, startTable,
  });
  await writeSpecialistsReportFiles(outDir, report);
  io.out(`${join(outDir, 'report.html')}\n`);
  for (const v of report.verdict) io.out(`- ${v}\n`);
  return { status: 'done', outDir };
}

interface ReportContext {
  command: string; backend: string; timing: StateFile['timing']; resumed: boolean; fusedWeights: number[]; fusedTable: string; startTable: string;
}

function buildReport(p: SpecialistsPreset, name: string, outDir: string, prep: PreparedSpecialists, trained: TrainedSpecialist[], evals: Map<string, Evaluated>, ctx: ReportContext): SpecialistsReport {
  const keys = prep.specialists.map((s) => s.corpus.key);
  // 'both': every window of both validation sets (the text a fused model is meant for)
  for (const e of evals.values()) e.windows[BOTH] = keys.flatMap((k) => e.windows[k]);
  const sets = [...keys, BOTH];
  const modelReport = (key: string, kind: 'specialist' | 'fusion', path: string, t: TrainedSpecialist | null, label: string): SpecialistsModelReport => {
    const e = evals.get(key)!;
    const valLoss: SpecialistsModelReport['valLoss'] = {};
    for (const k of sets) { const s = summarize(e.windows[k], `${key} loss on ${k} windows`); valLoss[k] = { mean: s.mean, ci95: s.ci95, n: s.n, sd: s.sd, windows: e.windows[k] }; }
    const a = e.mmlu.accuracy;
    return {
      key, label, kind, trainedOn: kind === 'specialist' ? [key] : [], path: relative(outDir, path),
      tokensSeen: t?.tokensSeen ?? 0, trainSeconds: t?.trainSeconds ?? 0, history: t?.history ?? [], valLoss,
      mmlu: {
        micro: a.micro, ci95: a.ci95, n: a.n, invalidRate: a.invalidRate, chance: a.chance, file: `eval/${key}-harness.json`,
        answerCounts: [0, 1, 2, 3].map((c) => e.mmlu.items.filter((it) => it.pred === c).length),
      },
      samples: e.samples,
    };
  };
  const models: SpecialistsModelReport[] = [
    ...prep.specialists.map((s, i) => modelReport(s.corpus.key, 'specialist', join(outDir, 'specialists', s.corpus.key, 'final'), trained[i], `${s.corpus.key} specialist`)),
    modelReport('fused', 'fusion', join(outDir, 'fused'), null, `fusion (${p.average} average)`),
  ];
  const pairs: Array<[string, string]> = [['fused', keys[0]], ['fused', keys[1]], [keys[0], keys[1]]];
  const byWindow = (key: string, set: string) => new Map(evals.get(key)!.windows[set].map((l, i) => [i, l]));
  const valLoss = sets.flatMap((set) => pairs.map(([a, b]) => {
    const d = pairedDifference(a, byWindow(a, set), b, byWindow(b, set));
    return { valSet: set, a, b, diff: { mean: d.mean, ci95: d.ci95, n: d.n, sd: d.sd } };
  }));
  const mmlu = pairs.map(([a, b]) => {
    const c = compareModels(evals.get(a)!.mmlu, evals.get(b)!.mmlu);
    return { a, b, n: c.n, accA: c.accA, accB: c.accB, diff: c.diff, ci95: c.ci95, mcnemarP: c.mcnemarP };
  });
  const subjects = p.mmlu.subjects ?? prep.mmlu.subjects;
  const cpuList = cpus();
  const base: Omit<SpecialistsReport, 'verdict'> = {
    schema: SPECIALISTS_SCHEMA, name, preset: p.name, command: ctx.command,
    setup: {
      model: { ...prep.config } as unknown as Record<string, number>,
      parameters: { total: parameterCount(prep.config), nonEmbedding: parameterCount(prep.config, { includeEmbedding: false }) },
      tokenizer: { name: prep.baseTokenizer.name, fingerprint: prep.baseTokenizer.fingerprint, vocabSize: prep.baseTokenizer.vocabSize, compact: { rows: prep.tokenizer.vocabSize, rule: prep.compactRule, fingerprint: prep.tokenizer.fingerprint } },
      corpora: prep.specialists.map((s) => ({
        key: s.corpus.key, name: s.corpus.name, script: s.corpus.script, documents: s.documents, chars: s.chars, sources: s.sources,
        trainTokens: s.data.train.length, valTokens: s.data.val.length, pureValTokens: s.pureVal.length, valWindows: evals.get(s.corpus.key)!.windows[s.corpus.key].length,
        sft: s.data.meta.sft ? { examples: s.data.meta.sft.examples, tokens: s.data.meta.sft.tokens, ratio: s.data.meta.sft.ratio } : null,
        fingerprint: String(s.data.meta.fingerprint),
      })),
      training: { ...p.train, seed: p.seed, workers: p.workers },
      fusion: { average: p.average, weights: ctx.fusedWeights, members: keys, tableFingerprint: ctx.fusedTable },
      glyph: { recipe: GLYPH_RECIPE, components: p.model.nEmbed, tableRows: prep.glyph.rows, tableHash: tableHash(prep.glyph.data), frozenTablesUnchanged: ctx.fusedTable === ctx.startTable },
      mmlu: { source: prep.mmlu.source, split: p.mmlu.split, protocol: 'harness', shots: p.mmlu.harnessShots, subjects: subjects.length, itemsPerSubject: p.mmlu.limitPerSubject, items: selectItems(prep.mmlu, p.mmlu.split, subjects, p.mmlu.limitPerSubject).length },
      statistics: 'validation loss: mean next-token loss of each fixed window (blockSize + 1 tokens, non-overlapping, from the start of the script\'s val documents without the instruction mix), the same windows for every model; "both" = all windows of both scripts; CI = t-based 95 % over windows (adjacent windows of one document are not independent, so these CIs are on the narrow side), paired differences by window (@glyphlm/trainer summarize / pairedDifference). One training seed: the CIs cover the choice of text, not of seed. MMLU: mmlu-eval\'s 95 % CI per model, paired bootstrap CI and McNemar p over items (compareModels).',
      machine: { cpus: cpuList.length, cpuModel: cpuList[0]?.model?.trim() ?? 'unknown', node: process.versions.node, platform: `${process.platform}-${process.arch}`, memoryGiB: Math.round(totalmem() / 2 ** 30), backend: ctx.backend, workers: p.workers },
      timing: { totalSeconds: ctx.timing.wallSeconds, prepareSeconds: ctx.timing.prepareSeconds, trainSeconds: ctx.timing.trainSeconds, evalSeconds: ctx.timing.evalSeconds, resumed: ctx.resumed },
    },
    models,
    comparisons: { valLoss, mmlu },
  };
  return { ...base, verdict: specialistsVerdict(base) };
}
