// The schema of a specialists run's report.json (glyphlm.specialists.report/1): two specialists trained on two
// scripts over one frozen table, their logit-average fusion, each on both validation sets and on MMLU.
import type { HistoryPoint, Interval, MmluPairedReport } from './types.js';

export const SPECIALISTS_SCHEMA = 'glyphlm.specialists.report/1';

export interface SpecialistsModelReport {
  /** 'latin', 'cyrillic' (the corpus keys) or 'fused'. */
  key: string;
  label: string;
  kind: 'specialist' | 'fusion';
  /** Corpus keys the model was trained on (the fusion: none; its members were). */
  trainedOn: string[];
  /** Folder of the model, relative to the run folder (a checkpoint or a fused folder). */
  path: string;
  tokensSeen: number;
  trainSeconds: number;
  history: HistoryPoint[];
  /** Per validation set (corpus key, and 'both' = every window of both): mean window loss with a t-based 95 % CI over windows, and every window's loss. */
  valLoss: Record<string, Interval & { windows: number[] }>;
  /** MMLU, harness protocol: accuracy with its 95 % CI (mmlu-eval), invalid-format rate, chance, items. */
  mmlu: {
    micro: number; ci95: [number, number]; n: number; invalidRate: number; chance: number; file: string;
    /** How often the model chose A, B, C, D (a constant answer shows as one non-zero count). */
    answerCounts: number[];
  };
  samples: Array<{ prompt: string; completion: string }>;
}

export interface SpecialistsValComparison {
  /** Validation set (corpus key, or 'both'). */
  valSet: string;
  a: string;
  b: string;
  /** a - b over windows (paired by window), t-based 95 % CI. */
  diff: Interval;
}

/** a - b over the same items: mmlu-eval compareModels' paired bootstrap CI95 and McNemar's p (one protocol). */
export type SpecialistsMmluComparison = Omit<MmluPairedReport, 'protocol'>;

export interface SpecialistsReport {
  schema: typeof SPECIALISTS_SCHEMA;
  name: string;
  preset: string;
  command: string;
  setup: {
    model: Record<string, number>;
    parameters: { total: number; nonEmbedding: number };
    tokenizer: { name: string; fingerprint: string; vocabSize: number; compact: { rows: number; rule: string; fingerprint: string } };
    corpora: Array<{
      key: string; name: string; script: string; documents: number; chars: number;
      sources: Array<{ code: string; name: string; chars: number; script: string }>;
      trainTokens: number; valTokens: number; pureValTokens: number; valWindows: number;
      sft: { examples: number; tokens: number; ratio: number } | null; fingerprint: string;
    }>;
    training: Record<string, number>;
    fusion: { average: 'logits' | 'probs'; weights: number[]; members: string[]; tableFingerprint: string };
    glyph: { recipe: string; components: number; tableRows: number; tableHash: string; frozenTablesUnchanged: boolean };
    mmlu: { source: string; split: string; protocol: 'harness'; shots: number; subjects: number; itemsPerSubject: number; items: number };
    statistics: string;
    machine: { cpus: number; cpuModel: string; node: string; platform: string; memoryGiB: number; backend: string; workers: number };
    timing: { totalSeconds: number; prepareSeconds: number; trainSeconds: number; evalSeconds: number; resumed: boolean };
  };
  models: SpecialistsModelReport[];
  comparisons: { valLoss: SpecialistsValComparison[]; mmlu: SpecialistsMmluComparison[] };
  verdict: string[];
}
