// Report pieces: the verdict never claims a difference its CI does not support; charts are well-formed SVG with
// one mark per value; markdown tables are complete.
import { describe, expect, it } from 'vitest';
import { barChartSvg, lineChartSvg } from './svg.js';
import { resolvedDirection } from './verdict.js';
import { markdownTable } from './markdown.js';

describe('resolvedDirection', () => {
  it('calls a difference only when its 95 % CI excludes 0 and there are >= 2 seeds', () => {
    expect(resolvedDirection({ mean: -0.2, ci95: [-0.3, -0.1], n: 3 })).toBe('lower');
    expect(resolvedDirection({ mean: 0.2, ci95: [0.1, 0.3], n: 2 })).toBe('higher');
    expect(resolvedDirection({ mean: -0.2, ci95: [-0.5, 0.1], n: 3 })).toBeNull();
    expect(resolvedDirection({ mean: -0.2, ci95: [-0.5, 0], n: 3 })).toBeNull();
    expect(resolvedDirection({ mean: -0.2, ci95: null, n: 1 })).toBeNull();
  });
});

describe('charts', () => {
  it('line chart: one path per series with points, labels escaped', () => {
    const svg = lineChartSvg([
      { name: 'a <frozen>', points: [[0, 5], [100, 4], [200, 3.5]] },
      { name: 'b', points: [[0, 5.2], [100, 4.4], [200, NaN]] },
      { name: 'empty', points: [] },
    ], { title: 'T & U', xLabel: 'tokens', yLabel: 'loss' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<path d="M/g)).toHaveLength(2);
    expect(svg).toContain('a &lt;frozen&gt;');
    expect(svg).toContain('T &amp; U');
    expect(svg).not.toContain('NaN');
    expect(() => lineChartSvg([{ name: 'x', points: [[0, NaN]] }], { title: 't', xLabel: 'x', yLabel: 'y' })).toThrow(/no finite points/);
  });
  it('bar chart: one rect per finite value, a whisker per CI, the reference line', () => {
    const svg = barChartSvg([
      { group: 'harness', values: [{ bar: 'frozen', value: 0.25, ci95: [0.2, 0.3] }, { bar: 'trainable', value: 0.27, ci95: [0.22, 0.33] }] },
      { group: 'paper', values: [{ bar: 'frozen', value: 0.1, ci95: null }, { bar: 'trainable', value: NaN }] },
    ], { title: 'MMLU', yLabel: 'acc', reference: { value: 0.25, label: 'chance' } });
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    expect(svg.match(/stroke="#222"/g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('>chance</text>');
    expect(svg).not.toContain('NaN');
  });
});

describe('markdown tables', () => {
  it('escapes pipes and keeps every row', () => {
    const md = markdownTable({ title: 'T', header: ['a', 'b'], rows: [['x|y', '1'], ['z', '2']], note: 'n' });
    expect(md).toBe('### T\n\n| a | b |\n|---|---|\n| x\\|y | 1 |\n| z | 2 |\n\nn');
  });
});
