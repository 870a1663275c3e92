// How long a preset would take on this machine: training FLOPs (transformer-core's trainFlopsPerToken) of every
// arm x seed at a stated sustained rate. Used by paper-335m on a CPU, which prints the estimate and the PyTorch path.
import { cpus } from 'node:os';
import { trainFlopsPerToken } from '@glyphlm/transformer-core';
import { runCount, type Preset } from './presets.js';

/** Sustained training GFLOP/s per worker measured on 2-core wasm VMs (transformer-core README: 16-18). */
export const WASM_GFLOPS_PER_WORKER = 17;

export interface Estimate {
  tokensPerRun: number;
  runs: number;
  flopsPerToken: number;
  seconds: number;
  gflops: number;
}

export function estimateTraining(p: Preset, vocabSize: number): Estimate {
  const config = { vocabSize, ...p.model };
  const flopsPerToken = trainFlopsPerToken(config, p.model.blockSize);
  const tokensPerRun = p.train.steps * p.train.batchSize * p.train.gradAccumSteps * p.model.blockSize;
  const runs = runCount(p);
  const gflops = WASM_GFLOPS_PER_WORKER * Math.min(p.workers, cpus().length);
  return { tokensPerRun, runs, flopsPerToken, seconds: (flopsPerToken * tokensPerRun * runs) / (gflops * 1e9), gflops };
}

export function humanDuration(s: number): string {
  if (s < 120) return `${s.toFixed(0)} s`;
  if (s < 7200) return `${(s / 60).toFixed(0)} minutes`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} hours`;
  if (s < 2 * 365 * 86400) return `${(s / 86400).toFixed(0)} days`;
  return `${(s / (365 * 86400)).toFixed(1)} years`;
}
