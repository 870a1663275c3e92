// Node adapter: data part (see index.ts).
export {};
