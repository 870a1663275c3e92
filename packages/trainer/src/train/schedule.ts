// The learning-rate schedule of SPECS.md: linear warmup, then cosine decay from lr to minLr (nanoGPT's get_lr,
// indexed by the 0-based optimizer step).

export interface ScheduleOptions {
  lr: number;
  minLr: number;
  warmupSteps: number;
  steps: number;
}

/** Learning rate of optimizer step `step` (0-based). */
export function learningRate(step: number, o: ScheduleOptions): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const ratio = (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps);
  return o.minLr + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (o.lr - o.minLr);
}
