// Tests of the pre-work checks: empty splits, unknown subjects, too few dev items for the shots.
import { describe, expect, it } from 'vitest';
import { checkShots, checkSplit, devShots } from './checks.js';
import type { McqDataset, McqItem } from './types.js';

const item = (subject: string, index: number): McqItem => ({ subject, index, question: `${subject} ${index}`, choices: ['a', 'b', 'c', 'd'], answer: 0 });
const ds: McqDataset = {
  name: 'mmlu', source: 'fixture', subjects: ['a', 'b'],
  dev: [item('a', 0), item('a', 1), item('a', 2), item('b', 0)],
  val: [], test: [item('a', 0), item('b', 0)],
};

describe('checkShots', () => {
  it('passes when every subject has enough dev items', () => {
    expect(() => checkShots(ds, 1)).not.toThrow();
    expect(() => checkShots(ds, 3, ['a'])).not.toThrow();
    expect(() => checkShots(ds, 0)).not.toThrow();
  });
  it('names the subject with too few dev items', () => {
    expect(() => checkShots(ds, 2)).toThrow("fixture, field shots: subject 'b' has 1 dev item, fewer than shots = 2");
    expect(() => checkShots(ds, 5, ['a'])).toThrow("subject 'a' has 3 dev items, fewer than shots = 5");
    expect(() => checkShots(ds, -1)).toThrow('shots must be a non-negative integer');
  });
  it('takes the first k dev items of a subject in file order', () => {
    expect(devShots(ds, 'a', 2).map((it) => it.index)).toEqual([0, 1]);
  });
});

describe('checkSplit', () => {
  it('names an empty split and a subject without items', () => {
    expect(() => checkSplit(ds, 'val')).toThrow("fixture: split 'val' is empty");
    expect(() => checkSplit(ds, 'test', ['c'])).toThrow("unknown subject 'c'");
    expect(() => checkSplit({ ...ds, test: [item('a', 0)] }, 'test')).toThrow("split 'test' has no items for subject 'b'");
    expect(() => checkSplit(ds, 'test')).not.toThrow();
  });
});
