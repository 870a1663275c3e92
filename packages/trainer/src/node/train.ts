// Node adapter: train part (see index.ts).
export {};
