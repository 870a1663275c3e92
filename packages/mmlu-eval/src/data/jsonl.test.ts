// ARC and CommonsenseQA loaders on fixtures written here in the Hugging Face JSONL layouts.
import { describe, expect, it } from 'vitest';
import { loadARC, loadCommonsenseQA, jsonlSplitOf, parseJsonl } from './jsonl.js';

const arcRows = [
  { id: 'Mercury_7175875', question: 'An astronomer observes that a planet rotates faster after a meteorite impact. Which is the most likely effect?', choices: { text: ['Planetary density will decrease.', 'Planetary years will become longer.', 'Planetary days will become shorter.', 'Planetary gravity will become stronger.'], label: ['A', 'B', 'C', 'D'] }, answerKey: 'C' },
  { id: 'NYSEDREGENTS_2015_4_8', question: 'Which is a renewable resource?', choices: { text: ['coal', 'wind', 'oil'], label: ['1', '2', '3'] }, answerKey: '2' },
  { id: 'X_5', question: 'Five options?', choices: { text: ['a', 'b', 'c', 'd', 'e'], label: ['A', 'B', 'C', 'D', 'E'] }, answerKey: 'E' },
];
const csqaRows = [
  { id: '075e483d21c29a511267ef62bedc0461', question: 'The sanctions against the school were a punishing blow, and they seemed to what the efforts the school had made to change?', question_concept: 'punishing', choices: { label: ['A', 'B', 'C', 'D', 'E'], text: ['ignore', 'enforce', 'authoritarian', 'yell at', 'avoid'] }, answerKey: 'A' },
  { id: 'b', question: 'q2', question_concept: 'c', choices: { label: ['A', 'B', 'C', 'D', 'E'], text: ['1', '2', '3', '4', '5'] }, answerKey: 'D' },
];
const jsonl = (rows: unknown[], eol = '\n') => rows.map((r) => JSON.stringify(r)).join(eol) + eol;

describe('loadARC', () => {
  it('reads the HF layout with the dataset labels (letters or digits, 3-5 choices)', () => {
    const ds = loadARC({ 'ARC-Easy/validation-00000-of-00001.jsonl': jsonl(arcRows, '\r\n'), 'ARC-Easy/train.jsonl': jsonl(arcRows.slice(0, 1)) }, { subset: 'easy' });
    expect(ds.name).toBe('arc-easy');
    expect(ds.subjects).toEqual(['arc-easy']);
    expect(ds.dev.length).toBe(1);
    expect(ds.test).toEqual([]);
    expect(ds.val).toEqual([
      { subject: 'arc-easy', index: 0, id: 'Mercury_7175875', question: arcRows[0].question, choices: arcRows[0].choices.text, answer: 2, labels: ['A', 'B', 'C', 'D'] },
      { subject: 'arc-easy', index: 1, id: 'NYSEDREGENTS_2015_4_8', question: 'Which is a renewable resource?', choices: ['coal', 'wind', 'oil'], answer: 1, labels: ['1', '2', '3'] },
      { subject: 'arc-easy', index: 2, id: 'X_5', question: 'Five options?', choices: ['a', 'b', 'c', 'd', 'e'], answer: 4, labels: ['A', 'B', 'C', 'D', 'E'] },
    ]);
    expect(loadARC({ 'test.jsonl': jsonl(arcRows) }, { subset: 'challenge' }).name).toBe('arc-challenge');
  });

  it('names file, line and field of a bad row', () => {
    const bad = jsonl([arcRows[0], { ...arcRows[1], answerKey: '7' }]);
    expect(() => loadARC({ 'validation.jsonl': bad }, { subset: 'easy' })).toThrow('validation.jsonl, line 2, field answerKey: answerKey "7" is not one of the labels 1, 2, 3');
    expect(() => loadARC({ 'validation.jsonl': '\n' + jsonl([{ ...arcRows[0], choices: { text: ['a', 'b'], label: ['A'] } }]) }, { subset: 'easy' })).toThrow('validation.jsonl, line 2, field choices.label');
    expect(() => loadARC({ 'validation.jsonl': '{"id": 1\n' }, { subset: 'easy' })).toThrow(/^validation\.jsonl, line 1: not valid JSON/);
    expect(() => loadARC({ 'dev.jsonl': '' }, { subset: 'easy' })).toThrow('dev.jsonl: not a Hugging Face JSONL split file');
    expect(() => loadARC({ 'test.jsonl': '\n' }, { subset: 'easy' })).toThrow('no items in any split');
  });
});

describe('loadCommonsenseQA', () => {
  it('reads the HF layout (labels A-E) and handles the unlabelled test split', () => {
    const test = jsonl([{ ...csqaRows[0], answerKey: '' }]);
    const ds = loadCommonsenseQA({ 'validation.jsonl': jsonl(csqaRows), 'test.jsonl': test }, { allowUnlabelled: true });
    expect(ds.name).toBe('commonsense-qa');
    expect(ds.test).toEqual([]);
    expect(ds.val[0]).toEqual({ subject: 'commonsense-qa', index: 0, id: csqaRows[0].id, question: csqaRows[0].question, choices: ['ignore', 'enforce', 'authoritarian', 'yell at', 'avoid'], answer: 0, labels: ['A', 'B', 'C', 'D', 'E'] });
    expect(ds.val[1].answer).toBe(3);
    expect(() => loadCommonsenseQA({ 'validation.jsonl': jsonl(csqaRows), 'test.jsonl': test })).toThrow('test.jsonl, line 1, field answerKey: answerKey is empty');
  });
});

describe('helpers', () => {
  it('maps file names to splits and keeps JSONL line numbers', () => {
    expect(jsonlSplitOf('a/b/train-00000-of-00001.jsonl')).toBe('dev');
    expect(jsonlSplitOf('validation.jsonl')).toBe('val');
    expect(parseJsonl('1\n\n[2]\r\n', 'f').map((r) => [r.value, r.line])).toEqual([[1, 1], [[2], 3]]);
  });
});
