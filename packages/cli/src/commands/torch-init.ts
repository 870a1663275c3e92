// `glyphlm export-torch --init`: a fresh run at step 0 for the PyTorch path, when training on this machine makes no
// sense (paper-335m on a CPU): the preset's data as shards, the arm's initial model, an AdamW state at step 0 (no
// moments yet, as the trainer writes it) and trainer.json at step 0, in the trainer checkpoint layout of SPECS.md.
import { join } from 'node:path';
import { createArmModel, writeTrainerCheckpoint, type RecordedOptions } from '@glyphlm/trainer';
import { nodeCheckpointStorage } from '@glyphlm/trainer/node';
import { useBackend } from '@glyphlm/transformer-core';
import type { CliIO } from '../cli/io.js';
import { resolveExperiment } from '../experiment/options.js';
import { prepareExperiment } from '../experiment/prepare.js';
import type { ArmName } from '../experiment/presets.js';

export async function initTorchRun(o: { preset: string; arm: string; seed: number; out: string }, io: CliIO): Promise<string> {
  const { exp } = resolveExperiment({ preset: o.preset, seeds: [o.seed], arms: [o.arm], tokenizer: 'bvv241-2-3', name: 'init' });
  await useBackend('auto');
  const prep = await prepareExperiment(exp, o.out, (s) => io.stderr(`${s}\n`));
  const p = exp.preset, t = p.train;
  const model = createArmModel(prep.arms.get(o.arm as ArmName)!, prep.config, o.seed);
  try {
    const options: RecordedOptions = {
      steps: t.steps, batchSize: t.batchSize, gradAccumSteps: t.gradAccumSteps, lr: t.lr, minLr: t.minLr, warmupSteps: t.warmupSteps,
      weightDecay: t.weightDecay, gradClip: t.gradClip, dropout: p.model.dropout, seed: o.seed, evalEvery: t.evalEvery, evalBatches: t.evalBatches,
      blockSize: p.model.blockSize,
    };
    const dir = join(o.out, 'checkpoints');
    await writeTrainerCheckpoint(nodeCheckpointStorage(dir), {
      model,
      optimizer: { step: 0, expAvg: new Map(), expAvgSq: new Map() }, // step 0: no moments yet (the trainer's convention)
      hyper: { betas: [0.9, 0.95], eps: 1e-8, weightDecay: t.weightDecay },
      trainer: {
        format: 'glyphlm-trainer', version: 1, step: 0, options, sampler: { seed: o.seed, nextStep: 0 },
        data: { fingerprint: String(prep.data.meta.fingerprint), tokenizerFingerprint: String(prep.data.meta.tokenizerFingerprint), trainTokens: prep.data.train.length, valTokens: prep.data.val.length },
        history: [], engine: { workers: 1 },
      },
    }, 1);
    io.stderr(`${dir}: step-0 run of ${o.preset} / ${o.arm} (seed ${o.seed})\n`);
    return o.out;
  } finally {
    model.dispose();
  }
}
