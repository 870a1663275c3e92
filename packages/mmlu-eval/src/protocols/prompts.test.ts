// Golden prompt strings of the three protocols, written by hand from the formats (paper.md §5, anchors.md §4.2),
// plus the harness's encode-pair rule and shot dropping against a real tokenizer (bvv241-2-3).
import { describe, it, expect } from 'vitest';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import type { McqItem } from '../data/types.js';
import {
  clozeContext, clozeContinuations, harnessContext, harnessContinuations, harnessDescription, harnessQuestion, harnessShot,
  paperPromptMMLU, paperPromptMultiline, pyStrip,
} from './prompts.js';
import { encodePair, harnessRequests, clozeRequests, ContextLengthError } from './requests.js';

const item: McqItem = { subject: 'abstract_algebra', index: 3, question: ' Find the degree of Q(sqrt(2)) over Q.\n', choices: ['0', '4', '2', '6'], answer: 2 };
const shot1: McqItem = { subject: 'abstract_algebra', index: 0, question: 'Is 7 prime?', choices: ['yes', 'no', 'maybe', 'never'], answer: 0 };
const shot2: McqItem = { subject: 'abstract_algebra', index: 1, question: 'Order of S_3?', choices: ['3', '6', '9', '12'], answer: 1 };
const arc: McqItem = { subject: 'ARC-Challenge', index: 0, question: 'Which is a gas?', choices: ['ice', 'steam', 'rock'], answer: 1, labels: ['1', '2', '3'] };

describe('paper prompts (Bochkov)', () => {
  it('MMLU: options on one line', () => {
    expect(paperPromptMMLU(item)).toBe('Question:  Find the degree of Q(sqrt(2)) over Q.\n\nOptions: A) 0 B) 4 C) 2 D) 6\nAnswer:');
    expect(paperPromptMMLU(shot1)).toBe('Question: Is 7 prime?\nOptions: A) yes B) no C) maybe D) never\nAnswer:');
  });
  it('ARC / CSQA: one option per line with the dataset labels', () => {
    expect(paperPromptMultiline(arc)).toBe('Question: Which is a gas?\nOptions:\n1) ice\n2) steam\n3) rock\nAnswer:');
    const csqa: McqItem = { subject: 'csqa', index: 0, question: 'Q?', choices: ['a', 'b', 'c', 'd', 'e'], answer: 4 };
    expect(paperPromptMultiline(csqa)).toBe('Question: Q?\nOptions:\nA) a\nB) b\nC) c\nD) d\nE) e\nAnswer:');
  });
});

describe('harness prompts (lm-evaluation-harness mmlu default template)', () => {
  it('description, shots and the item, byte for byte', () => {
    expect(harnessDescription('high_school_european_history')).toBe('The following are multiple choice questions (with answers) about high school european history.\n\n');
    expect(harnessQuestion(item)).toBe('Find the degree of Q(sqrt(2)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:');
    expect(harnessShot(shot2)).toBe('Order of S_3?\nA. 3\nB. 6\nC. 9\nD. 12\nAnswer: B\n\n');
    expect(harnessContext(item, [shot1, shot2], harnessDescription(item.subject))).toBe(
      'The following are multiple choice questions (with answers) about abstract algebra.\n\n' +
        'Is 7 prime?\nA. yes\nB. no\nC. maybe\nD. never\nAnswer: A\n\n' +
        'Order of S_3?\nA. 3\nB. 6\nC. 9\nD. 12\nAnswer: B\n\n' +
        'Find the degree of Q(sqrt(2)) over Q.\nA. 0\nB. 4\nC. 2\nD. 6\nAnswer:',
    );
    expect(harnessContinuations(item)).toEqual([' A', ' B', ' C', ' D']);
  });
  it("question.strip() is Python's strip", () => {
    expect(pyStrip('\x1c\x85 a b \u3000\n')).toBe('a b');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa'); // not whitespace for Python
  });
});

describe('cloze prompts (llm.c)', () => {
  it('Question/Answer with the choice text as continuation', () => {
    expect(clozeContext(shot1)).toBe('Question: Is 7 prime?\n\nAnswer:');
    expect(clozeContinuations(shot1)).toEqual([' yes', ' no', ' maybe', ' never']);
  });
});

describe('requests on bvv241-2-3', () => {
  const tok = bvv241('2-3');
  it("' A' is a space then the letter; the context's ids are a prefix of the whole", () => {
    const p = encodePair(tok, 'Answer:', ' A');
    expect(p.continuation.length).toBe(2);
    expect(tok.decode(p.continuation)).toBe(' A');
    expect(tok.decode(p.context)).toBe('Answer:');
    // trailing spaces of the context move to the continuation (lm-eval _encode_pair)
    const q = encodePair(tok, 'Answer: ', 'A');
    expect(q).toEqual(p);
  });
  it('drops shots from the end until the prompt fits, records them, then left-truncates', () => {
    const dev = [shot1, shot2];
    const o = { dev, description: harnessDescription(item.subject), truncate: true, shots: 2 };
    const full = harnessRequests(tok, item, { ...o, blockSize: 2048 });
    expect(full.shots).toBe(2);
    expect(tok.decode(full.context)).toBe(harnessContext(item, dev, o.description));
    const need = (k: number) => tok.encode(harnessContext(item, dev.slice(0, k), o.description)).length + 1;
    const one = harnessRequests(tok, item, { ...o, blockSize: need(2) - 1 });
    expect(one.shots).toBe(1);
    expect(one.prompt).toBe(harnessContext(item, [shot1], o.description));
    expect(one.truncatedTokens).toBe(0);
    const zero = harnessRequests(tok, item, { ...o, blockSize: need(0) });
    expect(zero.shots).toBe(0);
    expect(zero.truncatedTokens).toBe(0);
    const cut = harnessRequests(tok, item, { ...o, blockSize: need(0) - 5 });
    expect(cut.shots).toBe(0);
    expect(cut.truncatedTokens).toBe(5);
    expect(cut.context.length + 1).toBe(need(0) - 5);
    expect(cut.context).toEqual(zero.context.slice(5));
    expect(() => harnessRequests(tok, item, { ...o, blockSize: need(0) - 5, truncate: false })).toThrow(ContextLengthError);
    expect(() => harnessRequests(tok, item, { ...o, blockSize: need(0) - 5, truncate: false })).toThrow(/item abstract_algebra#3: .* exceeds the model's blockSize .* truncate is false/);
  });
  it('cloze continuations are the tokens of " {choice}"', () => {
    const r = clozeRequests(tok, shot1, 256, true);
    expect(r.continuations.map((c) => tok.decode(c))).toEqual([' yes', ' no', ' maybe', ' never']);
    expect(tok.decode(r.context)).toBe('Question: Is 7 prime?\n\nAnswer:');
  });
});
