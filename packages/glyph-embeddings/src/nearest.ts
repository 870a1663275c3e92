// Cosine nearest neighbours of one row of an embedding matrix (float64 accumulation, deterministic ties).

export interface DenseRows {
  rows: number;
  dim: number;
  data: Float32Array;
}

export interface Neighbour {
  id: number;
  cos: number;
}

function checkId(m: DenseRows, id: number, what: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= m.rows) throw new RangeError(`${what}: id ${id} is out of range 0..${m.rows - 1}`);
}

/** Cosine similarity of rows a and b (0 when either row is all zeros). */
export function cosineRows(m: DenseRows, a: number, b: number): number {
  checkId(m, a, 'cosineRows'); checkId(m, b, 'cosineRows');
  let dot = 0, na = 0, nb = 0;
  const oa = a * m.dim, ob = b * m.dim;
  for (let j = 0; j < m.dim; j++) { const x = m.data[oa + j], y = m.data[ob + j]; dot += x * y; na += x * x; nb += y * y; }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The k rows most cosine-similar to row `id` (the row itself excluded), best first; equal cosines are ordered
 * by ascending id. `candidates` restricts the search to those ids.
 */
export function nearest(m: DenseRows, id: number, k: number, opts: { candidates?: ArrayLike<number> } = {}): Neighbour[] {
  checkId(m, id, 'nearest');
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`nearest: k must be a non-negative integer, got ${k}`);
  if (m.data.length !== m.rows * m.dim) throw new RangeError(`nearest: data length ${m.data.length} != rows*dim ${m.rows * m.dim}`);
  const { dim, data } = m;
  const q = data.subarray(id * dim, (id + 1) * dim);
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += q[j] * q[j];
  qn = Math.sqrt(qn);
  const cand = opts.candidates;
  const n = cand ? cand.length : m.rows;
  // keep a sorted top-k list (k is small in practice)
  const top: Neighbour[] = [];
  const worse = (a: Neighbour, b: Neighbour): boolean => a.cos < b.cos || (a.cos === b.cos && a.id > b.id);
  for (let t = 0; t < n; t++) {
    const r = cand ? cand[t] : t;
    if (cand) checkId(m, r, 'nearest (candidates)');
    if (r === id) continue;
    let dot = 0, rn = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) { const y = data[o + j]; dot += q[j] * y; rn += y * y; }
    const cos = qn === 0 || rn === 0 ? 0 : dot / (qn * Math.sqrt(rn));
    const item = { id: r, cos };
    if (top.length === k && (k === 0 || !worse(top[k - 1], item))) continue;
    let p = top.length;
    if (p === k) { top.pop(); p--; }
    while (p > 0 && worse(top[p - 1], item)) p--;
    top.splice(p, 0, item);
  }
  return top;
}
