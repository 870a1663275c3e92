// Data types shared by the loaders, the protocols, the statistics and the reports.

/** One multiple-choice item. MMLU items have 4 choices; ARC has 3-5, CommonsenseQA 5. */
export interface McqItem {
  subject: string;
  /** 0-based row of the item in its subject's file (CSV / JSONL / parquet), in file order. */
  index: number;
  question: string;
  choices: string[];
  /** 0-based index of the correct choice. */
  answer: number;
  /** Choice labels as the dataset gives them (ARC: 'A'..'E' or '1'..'4'; CommonsenseQA: 'A'..'E'); absent = A, B, C, ... */
  labels?: string[];
  /** The dataset's own id of the item (ARC, CommonsenseQA). */
  id?: string;
}

export interface McqDataset {
  /** e.g. 'mmlu', 'arc-easy', 'arc-challenge', 'commonsense-qa'. */
  name: string;
  subjects: string[];
  dev: McqItem[];
  val: McqItem[];
  test: McqItem[];
  /** Where the data came from, printed in every report, e.g. 'bundled hendrycks/test pre-release (14,079 test rows)'. */
  source: string;
}

/** MMLU as loadMMLU returns it. */
export type MMLU = McqDataset;
