// Node adapter: parallel part (see index.ts).
export {};
