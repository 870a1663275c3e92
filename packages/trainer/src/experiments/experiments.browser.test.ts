// The experiments core in Chromium (vitest browser mode, cpu backend): compareArms with its experiment kept in a
// memory storage (resumable: a second call skips every run), statistics and the frequency split present, and the
// table's loss curves drawn into the page as real SVG paths.
import { describe, it, expect } from 'vitest';
import { useBackend, type ModelConfig } from '@glyphlm/transformer-core';
import { hash32 } from '../data/sampler.js';
import type { CorpusData } from '../data/types.js';
import { memoryStorage } from '../train/storage.js';
import { compareArms, lossCurveSvg, tCritical95, type ExperimentProgress } from './index.js';

const cfg: ModelConfig = { vocabSize: 40, nEmbed: 16, dModel: 32, nLayer: 1, nHead: 2, blockSize: 12 };

function stream(n: number, seed: number): Uint32Array {
  const a = new Uint32Array(n);
  let x = hash32(seed);
  for (let i = 0; i < n; i++) {
    x = hash32(x + i);
    a[i] = i === 0 || x % 6 === 0 ? x % cfg.vocabSize : (a[i - 1] + 1) % cfg.vocabSize;
  }
  return a;
}

const data: CorpusData = {
  train: stream(3000, 1), val: stream(500, 2), vocabSize: cfg.vocabSize,
  meta: { tokenizer: 'test', tokenizerFingerprint: 'tok', fingerprint: 'browser-exp', separatorId: 0, documents: { train: 1, val: 1 }, chars: 3500, tokens: { train: 3000, val: 500 } },
};

describe('experiments in chromium', () => {
  it('compareArms in a memory storage, then its loss curves in the page', async () => {
    expect(await useBackend('cpu')).toBe('cpu');
    expect(tCritical95(2)).toBeCloseTo(4.303, 3); // the @stdlib quantile bundles for the browser
    const glyph = { rows: 40, dim: 16, data: Float32Array.from({ length: 640 }, (_, i) => (hash32(i) / 2 ** 32) - 0.5), meta: { recipe: 'test' } };
    const storage = memoryStorage('browser-exp');
    const opts = {
      arms: { frozen: glyph, trainable: 'trainable' as const, ids: { ablation: 'id-bits' as const, bits: 8 } },
      config: cfg, data, seeds: [1, 2], dir: storage,
      steps: 4, batchSize: 2, lr: 1e-2, evalEvery: 2, evalBatches: 1, checkpointEvery: 2,
    };
    const table = await compareArms(opts);
    expect(table.tokensSeen).toEqual({ frozen: 96, trainable: 96, ids: 96 });
    expect(table.arms.frozen.finalValLoss.ci95).toHaveLength(2);
    expect(table.differences).toHaveLength(3);
    expect(table.arms.ids.runs[0].valLossByFrequency!.overall.n).toBe(24);
    expect(storage.files.has('experiment.json')).toBe(true);
    const events: ExperimentProgress[] = [];
    expect(await compareArms({ ...opts, onProgress: (e) => events.push(e) })).toEqual(table);
    expect(events.every((e) => e.type === 'run-done' && e.skipped)).toBe(true);

    const host = document.createElement('div');
    host.innerHTML = lossCurveSvg(table, { title: 'in the browser', logScale: true });
    document.body.appendChild(host);
    const paths = Array.from(host.querySelectorAll('path.curve')) as SVGPathElement[];
    expect(paths.filter((p) => p.classList.contains('train'))).toHaveLength(6);
    expect(paths.filter((p) => p.classList.contains('val'))).toHaveLength(6);
    expect(paths.every((p) => p.getTotalLength() > 0)).toBe(true);
    expect(Array.from(host.querySelectorAll('.legend-entry text')).map((t) => t.textContent)).toEqual(['frozen', 'trainable', 'ids']);
    host.remove();
  });
});
