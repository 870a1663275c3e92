// The paper's ~10 % instruction mix: MMLU val-split items in the paper's zero-shot prompt format
// ("Question: ...\nOptions: A) ... B) ... C) ... D) ...\nAnswer:") followed by " <gold letter>". The test split is
// never used for training (it is what the report evaluates).
import { paperPromptMMLU, type McqItem } from '@glyphlm/mmlu-eval';

export interface InstructionExample {
  prompt: string;
  response: string;
}

/** One instruction example per item. */
export function mmluInstructionExamples(items: readonly McqItem[]): InstructionExample[] {
  return items.map((item) => ({ prompt: paperPromptMMLU(item), response: ` ${'ABCD'[item.answer]}` }));
}
