// Bad input: clear errors naming the id, position or field at fault; nothing throws for a well-formed JS string.
import { describe, expect, test } from 'vitest';
import { bvv241, fromHuggingFace, TokenizerJsonError } from './index.js';
import { randomCodeUnits, rng } from './testing/random-text.js';

const tok = bvv241('2-3');

describe('encode', () => {
  test.each([[undefined], [null], [42], [['a']], [{}], [new String('x')], [Symbol('s')]])('rejects %s with a TypeError', (v) => {
    expect(() => tok.encode(v as unknown as string)).toThrow(TypeError);
    expect(() => tok.encode(v as unknown as string)).toThrow(/encode expects a string/);
  });
  test('never throws for any string', () => {
    const r = rng(3);
    for (let k = 0; k < 20_000; k++) expect(() => tok.encode(randomCodeUnits(r, 30))).not.toThrow();
  });
});

describe('decode', () => {
  test.each([
    [[1, -1], /invalid token id -1 at position 1/],
    [[0.5], /invalid token id 0.5 at position 0/],
    [[3, 4, NaN], /invalid token id NaN at position 2/],
    [[65536], /invalid token id 65536 at position 0.*\[0, 65536\)/],
    [[Infinity], /invalid token id Infinity/],
    [['7' as unknown as number], /invalid token id 7 at position 0/],
  ])('rejects %j', (ids, msg) => {
    expect(() => tok.decode(ids)).toThrow(RangeError);
    expect(() => tok.decode(ids)).toThrow(msg);
  });
  test('accepts typed arrays and a max-vocabulary id on max', () => {
    expect(tok.decode(new Uint32Array([104, 56035, 111]))).toBe('hello');
    expect(bvv241('max').decode([131071])).toBe('<unused_131071>');
    expect(() => tok.tokenString(-3)).toThrow(/invalid token id -3/);
    expect(() => bvv241('4-5' as never)).toThrow(/unknown bvv241 variant "4-5"/);
  });
});

describe('fromHuggingFace', () => {
  const base = () => ({ model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] } });
  const cases: Array<[string, (j: ReturnType<typeof base>) => unknown, RegExp]> = [
    ['not JSON', () => '{"model": ', /tokenizer\.json: \(root\): not valid JSON/],
    ['no model', () => ({}), /tokenizer\.json: model: missing/],
    ['unknown model type', (j) => ({ ...j, model: { ...j.model, type: 'Magic' } }), /model\.type: unsupported type "Magic"/],
    ['vocab not an object', (j) => ({ ...j, model: { ...j.model, vocab: [] } }), /model\.vocab: expected an object/],
    ['negative id', (j) => ({ ...j, model: { ...j.model, vocab: { a: -1 } } }), /model\.vocab\["a"\]: expected a non-negative integer/],
    ['merge of unknown token', (j) => ({ ...j, model: { ...j.model, merges: ['a c'] } }), /model\.merges\[0\]: "c" is not in model\.vocab/],
    ['malformed merge', (j) => ({ ...j, model: { ...j.model, merges: ['abc'] } }), /model\.merges\[0\]: expected "left right"/],
    ['merge result missing', (j) => ({ ...j, model: { ...j.model, vocab: { a: 0, b: 1 } } }), /merged token "ab" is not in model\.vocab/],
    ['unk not in vocab', (j) => ({ ...j, model: { ...j.model, unk_token: '<unk>' } }), /model\.unk_token: "<unk>" is not in model\.vocab/],
    ['dropout', (j) => ({ ...j, model: { ...j.model, dropout: 0.1 } }), /model\.dropout/],
    ['unknown pre-tokenizer', (j) => ({ ...j, pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Whitespace' }, { type: 'Nope' }] } }), /pre_tokenizer\.pretokenizers\[1\]\.type: unsupported type "Nope"/],
    ['unknown normalizer', (j) => ({ ...j, normalizer: { type: 'Precompiled' } }), /normalizer\.type: unsupported type "Precompiled"/],
    ['bad regex', (j) => ({ ...j, pre_tokenizer: { type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated' } }), /pre_tokenizer\.pattern\.Regex: cannot compile/],
    ['bad added token', (j) => ({ ...j, added_tokens: [{ id: 'x', content: '<s>' }] }), /added_tokens\[0\]\.id: expected a non-negative integer/],
    ['unknown decoder', (j) => ({ ...j, decoder: { type: 'CTC2' } }), /decoder\.type: unsupported type "CTC2"/],
  ];
  test.each(cases)('%s', (_name, make, msg) => {
    const j = make(base());
    const src = typeof j === 'string' ? j : JSON.stringify(j);
    expect(() => fromHuggingFace(src)).toThrow(TokenizerJsonError);
    expect(() => fromHuggingFace(src)).toThrow(msg);
  });
  test('a minimal BPE file works', () => {
    const t = fromHuggingFace(base());
    expect([...t.encode('abba')]).toEqual([2, 1, 0]);
    expect(t.decode([2, 1, 0])).toBe('ab b a');
    expect(() => t.decode([3])).toThrow(/invalid token id 3 at position 0/);
  });
});
