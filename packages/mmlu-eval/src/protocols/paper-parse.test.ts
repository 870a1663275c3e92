// The paper's answer parsing: strip, upper-case, first character against the labels; everything else is invalid.
import { describe, it, expect } from 'vitest';
import { parsePaperAnswer, hasNonSpace } from './paper-parse.js';
import { itemSeed } from './paper.js';

const L = ['A', 'B', 'C', 'D'];

describe('parsePaperAnswer', () => {
  it('reads the first character after strip().upper()', () => {
    expect(parsePaperAnswer(' B', L)).toEqual({ letter: 'B', pred: 1 });
    expect(parsePaperAnswer('\nC)', L)).toEqual({ letter: 'C', pred: 2 });
    expect(parsePaperAnswer('d', L)).toEqual({ letter: 'D', pred: 3 }); // lowercase counts, as upper() makes it
    expect(parsePaperAnswer('A.', L)).toEqual({ letter: 'A', pred: 0 });
    expect(parsePaperAnswer('Answer', L)).toEqual({ letter: 'A', pred: 0 }); // the author's rule: first char only
  });
  it('a space, a newline, E or a digit is an invalid format', () => {
    expect(parsePaperAnswer(' ', L)).toEqual({ letter: '', pred: -1 });
    expect(parsePaperAnswer('\n', L)).toEqual({ letter: '', pred: -1 });
    expect(parsePaperAnswer('', L)).toEqual({ letter: '', pred: -1 });
    expect(parsePaperAnswer('E', L)).toEqual({ letter: 'E', pred: -1 });
    expect(parsePaperAnswer('1', L)).toEqual({ letter: '1', pred: -1 });
    expect(parsePaperAnswer('😀', L)).toEqual({ letter: '😀', pred: -1 });
  });
  it('ARC labels 1..4 and CSQA A..E', () => {
    expect(parsePaperAnswer(' 3', ['1', '2', '3', '4'])).toEqual({ letter: '3', pred: 2 });
    expect(parsePaperAnswer('e', ['A', 'B', 'C', 'D', 'E'])).toEqual({ letter: 'E', pred: 4 });
  });
  it('hasNonSpace', () => {
    expect(hasNonSpace(' \n\t')).toBe(false);
    expect(hasNonSpace(' x')).toBe(true);
  });
});

describe('itemSeed', () => {
  it('is FNV-1a of "seed|run|subject|index" and differs between runs and items', () => {
    expect(itemSeed(0, 0, 'x', 0)).not.toBe(itemSeed(0, 1, 'x', 0));
    expect(itemSeed(0, 0, 'x', 0)).not.toBe(itemSeed(0, 0, 'x', 1));
    expect(itemSeed(1, 0, 'x', 0)).not.toBe(itemSeed(0, 0, 'x', 0));
    const seen = new Set<number>();
    for (let r = 0; r < 50; r++) for (let i = 0; i < 200; i++) seen.add(itemSeed(7, r, 'anatomy', i));
    expect(seen.size).toBe(10000);
  });
});
