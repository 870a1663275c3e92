// The paper's answer parsing: the generated text is stripped and upper-cased, and its first character is the
// answer. Anything that is not one of the item's labels (a space-only output, a newline, 'E' on a 4-choice item)
// is an invalid format, which the faithful protocol counts as wrong.
import { pyStrip } from './prompts.js';

export interface ParsedAnswer {
  /** The first character after strip().upper(), '' when the output was only whitespace. */
  letter: string;
  /** Index of the letter among the labels, -1 when it is not one of them (invalid format). */
  pred: number;
}

/** Parses one generated output against the item's choice labels (e.g. ['A', 'B', 'C', 'D']). */
export function parsePaperAnswer(output: string, labels: readonly string[]): ParsedAnswer {
  const gen = pyStrip(output).toUpperCase();
  const first = gen.length === 0 ? '' : String.fromCodePoint(gen.codePointAt(0)!);
  const pred = first === '' ? -1 : labels.findIndex((l) => l.toUpperCase() === first);
  return { letter: first, pred };
}

/** True once the text holds a non-whitespace character (the `firstNonSpace` variant stops generating there). */
export function hasNonSpace(output: string): boolean {
  return pyStrip(output).length > 0;
}
