// Node adapter: experiments part (see index.ts).
export {};
