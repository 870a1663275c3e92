// Prompt strings of the three protocols, byte for byte: the paper's zero-shot MMLU / ARC / CSQA prompts
// (Bochkov's _models_benchmarking.py), lm-evaluation-harness's `mmlu` default template, and llm.c's cloze prompt.
import type { McqItem } from '../data/types.js';

/** Choice labels of an item: its own (ARC's '1'..'4') or A, B, C, ... */
export function choiceLabels(item: McqItem): string[] {
  if (item.labels) return item.labels;
  return item.choices.map((_, i) => String.fromCharCode(65 + i));
}

// Python's whitespace (str.isspace), which differs from JS's \s: it adds \x1c-\x1f and \x85 and lacks \ufeff.
const PY_WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g');

/** Python's str.strip() with no argument. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

// ---- paper (Bochkov) ----

/** MMLU: `Question: {q}\nOptions: A) {a} B) {b} C) {c} D) {d}\nAnswer:` (options on one line). */
export function paperPromptMMLU(item: McqItem): string {
  const labels = choiceLabels(item);
  const options = item.choices.map((c, i) => `${labels[i]}) ${c}`).join(' ');
  return `Question: ${item.question}\nOptions: ${options}\nAnswer:`;
}

/** ARC / CommonsenseQA: `Question: {q}\nOptions:\n{label}) {text}\n...\nAnswer:` (one option per line). */
export function paperPromptMultiline(item: McqItem): string {
  const labels = choiceLabels(item);
  const options = item.choices.map((c, i) => `${labels[i]}) ${c}\n`).join('');
  return `Question: ${item.question}\nOptions:\n${options}Answer:`;
}

// ---- lm-evaluation-harness `mmlu` (default template) ----

/** `The following are multiple choice questions (with answers) about {subject, _ -> space}.\n\n` (harness v2). */
export function harnessDescription(subject: string): string {
  return `The following are multiple choice questions (with answers) about ${subject.replace(/_/g, ' ')}.\n\n`;
}

/** doc_to_text: `{question.strip()}\nA. {a}\nB. {b}\nC. {c}\nD. {d}\nAnswer:`. */
export function harnessQuestion(item: McqItem): string {
  const labels = choiceLabels(item);
  const lines = item.choices.map((c, i) => `${labels[i]}. ${c}\n`).join('');
  return `${pyStrip(item.question)}\n${lines}Answer:`;
}

/** A few-shot example: doc_to_text + ' ' + gold letter + '\n\n'. */
export function harnessShot(item: McqItem): string {
  return `${harnessQuestion(item)} ${choiceLabels(item)[item.answer]}\n\n`;
}

/** The whole context: description (MMLU only), the first `k` dev items as shots, then the item. */
export function harnessContext(item: McqItem, shots: readonly McqItem[], description: string): string {
  return description + shots.map(harnessShot).join('') + harnessQuestion(item);
}

/** Continuations scored after the context: ' A' .. ' D' (the harness's target delimiter ' ' + the letter). */
export function harnessContinuations(item: McqItem): string[] {
  return choiceLabels(item).map((l) => ` ${l}`);
}

// ---- cloze (llm.c dev/data/mmlu.py, lm-eval mmlu_continuation) ----

/** `Question: {q}\n\nAnswer:` */
export function clozeContext(item: McqItem): string {
  return `Question: ${item.question}\n\nAnswer:`;
}

/** ' {choice text}' for each choice. */
export function clozeContinuations(item: McqItem): string[] {
  return item.choices.map((c) => ` ${c}`);
}
