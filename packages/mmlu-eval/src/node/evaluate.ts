// Node adapter: evaluate part (see index.ts).
export {};
