// Number and label formatting shared by the markdown table and the SVG chart.
import type { EvalResult } from '../protocols/types.js';

/** 0.2345 -> '23.5' (percent with `digits` decimals). */
export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? (x * 100).toFixed(digits) : 'n/a';
}

/** [0.21, 0.26] -> '[21.0, 26.0]'. */
export function ciText(ci: readonly [number, number], digits = 1): string {
  return `[${pct(ci[0], digits)}, ${pct(ci[1], digits)}]`;
}

/** 12345 -> '12,345'. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A short, distinct label of a result: model name (or fingerprint prefix), protocol and variant. */
export function resultLabel(r: EvalResult): string {
  const model = r.model.name ?? `model ${r.model.fingerprint.slice(0, 8)}`;
  const proto = r.variant ? `${r.protocol}/${r.variant}` : r.protocol;
  const shots = r.protocol === 'harness' ? `, ${r.shots}-shot` : '';
  return `${model} (${proto}${shots})`;
}

/** Escapes text for markdown table cells. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Escapes text for XML/SVG text and attributes. */
export function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
