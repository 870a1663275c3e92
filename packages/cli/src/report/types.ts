// The schema of runs/<name>/report.json (glyphlm.experiment.report/1): everything report.md and report.html show,
// so `glyphlm report` can re-render them from the run folder alone.
import type { ScriptPerplexity } from '../experiment/perplexity.js';
import type { Sample } from '../experiment/samples.js';
import type { MmluProtocolKey } from '../experiment/mmlu.js';

export interface Interval {
  mean: number;
  ci95: [number, number] | null;
  n: number;
  sd?: number | null;
}

export interface HistoryPoint {
  step: number;
  loss: number;
  valLoss?: number;
  lr: number;
  tokens: number;
  tokensPerSecond: number;
  elapsedMs: number;
}

export interface SeedRun {
  seed: number;
  /** Validation loss of the final model on `finalEvalBatches` fixed val batches (the reported figure). */
  finalValLoss: number;
  /** Val positions behind finalValLoss. */
  finalValTokens: number;
  /** Last validation loss of the training curve (its smaller periodic batches). */
  curveValLoss: number;
  tokensSeen: number;
  /** Fingerprint of the data the run trained on (same for every arm: same tokens). */
  dataFingerprint: string;
  /** SHA-256 of the train-batch order (the sampler's row offsets), equal across arms of one seed. */
  batchOrderHash: string;
  /** Hash of the input table after training (frozen arms: equals the table it started from). */
  tableHashAfter: string;
  trainSeconds: number;
  history: HistoryPoint[];
  valLossByFrequency?: Record<string, number>;
  perplexity: ScriptPerplexity[];
  mmlu: Partial<Record<MmluProtocolKey, MmluSummary>>;
  samples: Sample[];
}

export interface MmluSummary {
  micro: number;
  ci95: [number, number];
  invalidRate: number;
  chance: number;
  n: number;
  runs?: number[];
  /** Relative path of the full EvalResult JSON in the run folder. */
  file: string;
}

export interface ArmReport {
  name: string;
  label: string;
  embedding: 'frozen' | 'trainable';
  describe: Record<string, unknown>;
  trainableParameters: number;
  seeds: SeedRun[];
  valLoss: Interval;
  valLossByFrequency?: Record<string, Interval>;
  mmlu: Partial<Record<MmluProtocolKey, Interval & { invalidRate: number }>>;
  perplexity: Array<{ key: string; name: string; loss: Interval; perplexity: number }>;
}

export interface PairedReport {
  a: string;
  b: string;
  /** a - b. */
  diff: Interval;
  seeds: number[];
}

export interface MmluPairedReport {
  protocol: MmluProtocolKey;
  a: string;
  b: string;
  /** Paired over (item, seed): accuracy a - b with a paired-bootstrap CI95 and McNemar's p. */
  n: number;
  accA: number;
  accB: number;
  diff: number;
  ci95: [number, number];
  mcnemarP: number;
}

/** What the time-budget calibration measured and chose. */
export interface Calibration {
  secondsPerStep: number;
  tokensPerSecond: number;
  runOverheadSeconds: number;
  evalSecondsPerRun: number;
  elapsedBeforeSeconds: number;
  steps: number;
  note: string;
}

export interface ExperimentReport {
  schema: 'glyphlm.experiment.report/1';
  name: string;
  preset: string;
  command: string;
  setup: {
    model: Record<string, number>;
    parameters: { total: number; nonEmbedding: number };
    tokenizer: { name: string; fingerprint: string; vocabSize: number; compact: null | { rows: number; rule: string } };
    corpus: {
      description: string;
      sources: Array<{ name: string; license: string; chars: number; documents: number; heldOutChars: number; script: string }>;
      trainTokens: number;
      valTokens: number;
      sft: { source: string; examples: number; tokens: number; ratio: number } | null;
      fingerprint: string;
    };
    training: Record<string, number | number[] | string>;
    budget: null | { minutes: number; calibration: Calibration };
    seeds: number[];
    /** Seeds of each arm (an arm may run fewer seeds than `seeds`). */
    armSeeds?: Record<string, number[]>;
    arms: string[];
    tokensPerRun: number;
    mmlu: { source: string; split: string; subjects: number; itemsPerSubject: number; items: number; protocols: Record<string, string>; seeds?: number[] };
    glyph: { recipe: string; font: string; components: number; tableRows: number; frozenTableEqualsGlyphMatrix: boolean; tableHash: string };
    machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryGiB: number; backend: string; workers: number };
    timing: { totalSeconds: number; trainSeconds: number; evalSeconds: number; prepareSeconds: number; resumed: boolean };
  };
  arms: ArmReport[];
  comparisons: { valLoss: PairedReport[]; mmlu: MmluPairedReport[] };
  glyph: { sheetPng: string; sampleTokens: Array<{ id: number; text: string }>; map: Array<{ id: number; x: number; y: number; label: string; group: string }> };
  verdict: string[];
}
