// resultToJSON / resultFromJSON: an EvalResult as plain JSON with a stable schema and key order (protocol, prompts'
// hash, data source, counts first; items last), checked on the way back in.
import type { Accuracy, EvalResult, ItemResult } from '../protocols/types.js';

export const RESULT_SCHEMA = 'glyphlm.mmlu-eval.result/1' as const;

/** The JSON form of a result (same fields as EvalResult, in a fixed order). */
export type ResultJson = EvalResult;

function orderedAccuracy(a: Accuracy): Accuracy {
  const out: Accuracy = {
    n: a.n, micro: a.micro, macro: a.macro, ci95: a.ci95, invalidRate: a.invalidRate, chance: a.chance,
    categories: a.categories, perSubject: a.perSubject,
  } as Accuracy;
  for (const k of ['microNorm', 'ci95Norm', 'runs', 'runsStd', 'ci95Items'] as const) if (a[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = a[k];
  return out;
}

function orderedItem(it: ItemResult): ItemResult {
  const out: ItemResult = { subject: it.subject, index: it.index, gold: it.gold, pred: it.pred };
  for (const k of ['predNorm', 'nChoices', 'logliks', 'output', 'outputs', 'preds', 'correctRuns', 'shots', 'truncated'] as const) {
    if (it[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = it[k];
  }
  return out;
}

/** The result as a JSON-ready object with a fixed key order (JSON.stringify it to save). */
export function resultToJSON(r: EvalResult): ResultJson {
  checkResult(r, 'resultToJSON');
  const out: Record<string, unknown> = {
    schema: RESULT_SCHEMA,
    protocol: r.protocol,
  };
  if (r.variant !== undefined) out.variant = r.variant;
  Object.assign(out, {
    dataset: r.dataset,
    source: r.source,
    split: r.split,
    shots: r.shots,
    promptsHash: r.promptsHash,
    counts: r.counts,
    model: r.model,
    tokenizer: r.tokenizer,
    options: r.options,
    timing: r.timing,
    accuracy: orderedAccuracy(r.accuracy),
    items: r.items.map(orderedItem),
  });
  return out as unknown as ResultJson;
}

/** Parses (a string) or checks (an object) a saved result; errors name the missing or wrong field. */
export function resultFromJSON(json: string | unknown, where = 'result'): EvalResult {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
  }
  checkResult(value, where);
  return value as EvalResult;
}

function checkResult(value: unknown, where: string): asserts value is EvalResult {
  const fail = (field: string, msg: string): never => { throw new Error(`${where}, field ${field}: ${msg}`); };
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: not an object`);
  const r = value as Record<string, unknown>;
  if (r.schema !== RESULT_SCHEMA) fail('schema', `expected '${RESULT_SCHEMA}', got ${JSON.stringify(r.schema)}`);
  if (r.protocol !== 'harness' && r.protocol !== 'paper' && r.protocol !== 'cloze') fail('protocol', `expected harness, paper or cloze, got ${JSON.stringify(r.protocol)}`);
  for (const k of ['dataset', 'source', 'split', 'promptsHash'] as const) if (typeof r[k] !== 'string') fail(k, 'must be a string');
  if (!Number.isInteger(r.shots)) fail('shots', 'must be an integer');
  const model = r.model as Record<string, unknown> | undefined;
  if (typeof model?.fingerprint !== 'string') fail('model.fingerprint', 'must be a string');
  if (!Array.isArray(r.items)) fail('items', 'must be an array');
  (r.items as unknown[]).forEach((it, i) => {
    const x = it as Record<string, unknown>;
    if (typeof x?.subject !== 'string' || !Number.isInteger(x.index) || !Number.isInteger(x.gold) || !Number.isInteger(x.pred)) {
      fail(`items[${i}]`, 'needs subject (string), index, gold and pred (integers)');
    }
  });
  const acc = r.accuracy as Record<string, unknown> | undefined;
  for (const k of ['micro', 'macro', 'invalidRate', 'chance', 'n'] as const) if (typeof acc?.[k] !== 'number') fail(`accuracy.${k}`, 'must be a number');
  if (!Array.isArray(acc!.ci95) || acc!.ci95.length !== 2) fail('accuracy.ci95', 'must be [lo, hi]');
  if (typeof acc!.perSubject !== 'object' || typeof acc!.categories !== 'object') fail('accuracy.perSubject', 'perSubject and categories must be objects');
  const counts = r.counts as Record<string, unknown> | undefined;
  if (typeof counts?.items !== 'number') fail('counts.items', 'must be a number');
}
