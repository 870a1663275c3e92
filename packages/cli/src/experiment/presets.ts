// Size presets of `glyphlm experiment` / `glyphlm train`: the backbone (transformer-core ModelConfig without the
// vocabulary, which comes from the tokenizer or the compact vocabulary), the training schedule, the MMLU subset and
// the corpus. Plain data: every number a reader needs to reproduce a run is here.

export type PresetName = 'tiny' | 'laptop' | 'desktop' | 'paper-335m';
export const PRESET_NAMES: readonly PresetName[] = ['tiny', 'laptop', 'desktop', 'paper-335m'];

export const ARM_NAMES = ['frozen', 'trainable', 'trainable-from-glyph', 'random-binary'] as const;
export type ArmName = (typeof ARM_NAMES)[number];

export interface Preset {
  name: PresetName;
  summary: string;
  /**
   * Wall-clock budget of the whole experiment in minutes: before training, a short calibration run measures this
   * machine's step time and evaluation cost and sets `train.steps` so every arm x seed fits (`--steps` overrides).
   */
  budgetMinutes?: number;
  /** Validation batches of the final (reported) validation loss, split by token frequency. */
  finalEvalBatches: number;
  model: { nEmbed: number; dModel: number; nLayer: number; nHead: number; blockSize: number; dropout: number };
  train: {
    steps: number; batchSize: number; gradAccumSteps: number; lr: number; minLr: number; warmupSteps: number;
    weightDecay: number; gradClip: number; evalEvery: number; evalBatches: number; checkpointEvery: number;
  };
  seeds: number[];
  /**
   * Seeds of particular arms, where they differ from `seeds` (each a subset of `seeds`): the laptop preset gives
   * the comparison it reports first (frozen vs trainable) three seeds and the other arms one.
   */
  armSeeds?: Partial<Record<ArmName, number[]>>;
  arms: ArmName[];
  workers: number;
  compact: boolean;
  corpus: { shakespeareChars?: number; udhrCodes?: string[]; valFraction: number; sftRatio: number };
  mmlu: {
    split: 'test';
    /** Subjects (undefined = all 57). */
    subjects?: string[];
    limitPerSubject: number;
    harnessShots: number;
    /** Protocols evaluated (see experiment/mmlu.ts). */
    protocols: Array<'harness' | 'paper-greedy' | 'paper-greedy-nonspace' | 'paper-sampled'>;
    /** Evaluate MMLU on the first seed of each arm only (the laptop preset: MMLU is at chance at that size). */
    firstSeedOnly?: boolean;
    /** Sampled runs of the paper protocol (besides the greedy run). */
    paperRuns: number;
    temperature: number;
  };
  /** Held-out tokens per script for perplexity (at most). */
  perplexityTokens: number;
  /** Sample generations per arm. */
  samples: { prompts: string[]; maxNewTokens: number };
}

const SAMPLE_PROMPTS = ['ROMEO:\n', 'All human beings are born', 'Question: What is the capital of France?\nOptions: A) Paris B) Rome C) Madrid D) Berlin\nAnswer:'];

export const PRESETS: Record<PresetName, Preset> = {
  tiny: {
    name: 'tiny',
    summary: 'seconds: a smoke test of the whole path (1 layer, d 32), not a result',
    finalEvalBatches: 2,
    model: { nEmbed: 32, dModel: 32, nLayer: 1, nHead: 2, blockSize: 32, dropout: 0 },
    train: { steps: 12, batchSize: 4, gradAccumSteps: 1, lr: 3e-3, minLr: 3e-4, warmupSteps: 2, weightDecay: 0.1, gradClip: 1, evalEvery: 6, evalBatches: 2, checkpointEvery: 4 },
    seeds: [1, 2],
    arms: [...ARM_NAMES],
    workers: 1,
    compact: true,
    corpus: { shakespeareChars: 60_000, udhrCodes: ['eng', 'rus', 'arb', 'jpn'], valFraction: 0.1, sftRatio: 0.1 },
    mmlu: { split: 'test', subjects: ['astronomy', 'marketing'], limitPerSubject: 3, harnessShots: 5, protocols: ['harness', 'paper-greedy', 'paper-greedy-nonspace', 'paper-sampled'], paperRuns: 2, temperature: 1 },
    perplexityTokens: 64,
    samples: { prompts: SAMPLE_PROMPTS.slice(0, 2), maxNewTokens: 8 },
  },
  laptop: {
    name: 'laptop',
    summary: 'the default: 4 layers, d 256, 256-component glyph table, compact vocabulary, 4 arms (frozen and trainable 3 seeds, the others 2), steps sized to finish in 15 minutes on this machine',
    budgetMinutes: 15,
    finalEvalBatches: 8,
    model: { nEmbed: 256, dModel: 256, nLayer: 4, nHead: 4, blockSize: 128, dropout: 0 },
    train: { steps: 60, batchSize: 16, gradAccumSteps: 1, lr: 2e-3, minLr: 2e-4, warmupSteps: 6, weightDecay: 0.1, gradClip: 1, evalEvery: 20, evalBatches: 4, checkpointEvery: 15 },
    seeds: [1, 2, 3],
    armSeeds: { 'trainable-from-glyph': [1, 2], 'random-binary': [1, 2] },
    arms: [...ARM_NAMES],
    workers: 2,
    compact: true,
    corpus: { valFraction: 0.1, sftRatio: 0.1 },
    mmlu: { split: 'test', limitPerSubject: 1, harnessShots: 5, protocols: ['harness', 'paper-greedy', 'paper-sampled'], firstSeedOnly: true, paperRuns: 2, temperature: 1 },
    perplexityTokens: 128,
    samples: { prompts: SAMPLE_PROMPTS.slice(0, 2), maxNewTokens: 32 },
  },
  desktop: {
    name: 'desktop',
    summary: 'an hour or more: 6 layers, d 384, context 256, 3 seeds, more MMLU items',
    finalEvalBatches: 32,
    model: { nEmbed: 384, dModel: 384, nLayer: 6, nHead: 6, blockSize: 256, dropout: 0 },
    train: { steps: 3000, batchSize: 16, gradAccumSteps: 1, lr: 1e-3, minLr: 1e-4, warmupSteps: 100, weightDecay: 0.1, gradClip: 1, evalEvery: 250, evalBatches: 16, checkpointEvery: 250 },
    seeds: [1, 2, 3],
    arms: [...ARM_NAMES],
    workers: 2,
    compact: false,
    corpus: { valFraction: 0.1, sftRatio: 0.1 },
    mmlu: { split: 'test', limitPerSubject: 10, harnessShots: 5, protocols: ['harness', 'paper-greedy', 'paper-greedy-nonspace', 'paper-sampled'], paperRuns: 5, temperature: 1 },
    perplexityTokens: 2048,
    samples: { prompts: SAMPLE_PROMPTS, maxNewTokens: 64 },
  },
  'paper-335m': {
    name: 'paper-335m',
    summary: "the paper's 16 x 1024 model (335M parameters, context 1024): GPU work; on a CPU this prints the estimate and the PyTorch path",
    finalEvalBatches: 64,
    model: { nEmbed: 1024, dModel: 1024, nLayer: 16, nHead: 32, blockSize: 1024, dropout: 0 },
    train: { steps: 100_000, batchSize: 32, gradAccumSteps: 1, lr: 3e-4, minLr: 3e-5, warmupSteps: 2000, weightDecay: 0.1, gradClip: 1, evalEvery: 1000, evalBatches: 20, checkpointEvery: 1000 },
    seeds: [1, 2],
    arms: [...ARM_NAMES],
    workers: 2,
    compact: false,
    corpus: { valFraction: 0.01, sftRatio: 0.1 },
    mmlu: { split: 'test', limitPerSubject: 1_000_000, harnessShots: 5, protocols: ['harness', 'paper-greedy', 'paper-greedy-nonspace', 'paper-sampled'], paperRuns: 5, temperature: 1 },
    perplexityTokens: 8192,
    samples: { prompts: SAMPLE_PROMPTS, maxNewTokens: 64 },
  },
};

/** The schedule that goes with `steps`: warmup 5 % of the run, about 5 validation points and 4 checkpoints. */
/** The seeds an arm runs (`armSeeds` or else `seeds`). */
export function seedsFor(p: Pick<Preset, 'seeds' | 'armSeeds'>, arm: ArmName): number[] {
  return p.armSeeds?.[arm] ?? p.seeds;
}

/** How many arm x seed runs a preset trains. */
export function runCount(p: Pick<Preset, 'seeds' | 'armSeeds' | 'arms'>): number {
  return p.arms.reduce((n, a) => n + seedsFor(p, a).length, 0);
}

export function scheduleFor(train: Preset['train'], steps: number): Preset['train'] {
  return {
    ...train,
    steps,
    warmupSteps: Math.max(1, Math.round(steps * 0.05)),
    evalEvery: Math.max(1, Math.ceil(steps / 5)),
    checkpointEvery: Math.max(1, Math.ceil(steps / 4)),
  };
}
