// Messages between the Train tab and its worker (training runs off the page's thread, so the page never freezes).
export type ToWorker =
  | { type: 'train'; text: string; steps: number; batchSize: number; embedding: 'frozen' | 'trainable'; backend: string; fontUrl: string }
  | { type: 'generate'; prompt: string; maxNewTokens: number; temperature: number }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'status'; text: string }
  | { type: 'progress'; step: number; steps: number; loss: number; valLoss?: number; tokensPerSecond: number; etaMs: number }
  | { type: 'trained'; steps: number; finalLoss: number; vocab: number; params: string }
  | { type: 'token'; text: string; ids: number[] }
  | { type: 'generated'; ids: number[] }
  | { type: 'error'; message: string };
